import { test } from "node:test";
import assert from "node:assert/strict";
import { newUuid, stamp } from "../../lib/model/ids";
import { isMajor, classOf } from "../../lib/model/vocabulary";
import { canonicalId } from "../../lib/model/as";

test("uuids are 22-char base64url v4 ids, all different", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = newUuid();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    const bytes = Buffer.from(id, "base64url");
    assert.equal(bytes.length, 16);
    assert.equal(bytes[6]! >> 4, 4);
    seen.add(id);
  }
  assert.equal(seen.size, 1000);
});

test("stamps are UTC ISO without milliseconds", () => {
  assert.equal(stamp(new Date(Date.UTC(2013, 4, 1, 12, 0, 0, 789))), "2013-05-01T12:00:00Z");
  assert.match(stamp(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test("major and minor", () => {
  assert.equal(isMajor({ verb: "post", object: { objectType: "note" } }), true);
  assert.equal(isMajor({ object: { objectType: "image" } }), true);
  assert.equal(isMajor({ verb: "create", object: { objectType: "group" } }), true);
  assert.equal(isMajor({ verb: "share", object: { objectType: "comment" } }), true);
  assert.equal(isMajor({ verb: "checkin", object: { objectType: "place" } }), true);
  assert.equal(isMajor({ verb: "post", object: { objectType: "comment" } }), false);
  assert.equal(isMajor({ verb: "create", object: { objectType: "collection" } }), false);
  for (const verb of ["follow", "favorite", "join", "update", "delete", "tag"]) {
    assert.equal(isMajor({ verb, object: { objectType: "note" } }), false, verb);
  }
});

test("classes and canonical ids", () => {
  assert.equal(classOf("note"), "note");
  assert.equal(classOf("http://example.org/thing"), "other");
  assert.equal(canonicalId("bob@x.example"), "acct:bob@x.example");
  assert.equal(canonicalId("http://x.example/bob"), "http://x.example/bob");
});
