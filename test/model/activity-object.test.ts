import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { ObjectStore, isTombstone } from "../../lib/model/activity-object";
import { LocalPeople } from "../../lib/model/local-people";
import { validateActivity, validateObject } from "../../lib/model/validate";
import { UrlMaker } from "../../lib/url-maker";
import { openTestBank } from "../activity/support";

async function store(t: { after(fn: () => Promise<void>): void }, port = 80) {
  const { bank, close } = await openTestBank();
  t.after(close);
  const urls = new UrlMaker({ hostname: "social.example", urlPort: port, urlPath: null });
  return new ObjectStore(bank, urls, new LocalPeople(urls));
}

test("minting a new object, a list and a local group", async (t) => {
  const objects = await store(t, 443);
  const note = objects.mint({ objectType: "note", content: "x", likes: { totalItems: 5, items: [1] } }, "alice");
  const uuid = note._uuid;
  assert.equal(note.id, `https://social.example/api/note/${uuid}`);
  assert.equal(note.links.self.href, note.id);
  assert.equal(note.url, `https://social.example/alice/note/${uuid}`);
  assert.deepEqual(note.likes, { url: `${note.id}/likes` });
  assert.equal(note.published, note.updated);
  const list = objects.mint({ objectType: "collection", displayName: "L", objectTypes: ["person"] }, "alice");
  assert.equal(list.url, `https://social.example/alice/list/${list._uuid}`);
  assert.equal(list.members.url, `https://social.example/api/collection/${list._uuid}/members`);
  const group = objects.mint({ objectType: "group", displayName: "G" }, "alice");
  assert.equal(group.documents.url, `https://social.example/api/group/${group._uuid}/documents`);
  assert.equal(group.links["activity-inbox"].href, `https://social.example/api/group/${group._uuid}/inbox`);
  const remote = objects.mint({ objectType: "note", content: "x" }, null);
  assert.equal(remote.url, undefined);
  const untyped = objects.mint({ content: "x" }, null);
  assert.equal(untyped.objectType, "note");
  await objects.create(note);
  assert.equal((await objects.byUuid("note", uuid))!.id, note.id);
  assert.equal(await objects.byUuid("image", uuid), null);
});

test("ensure: remote data fills in a bare reference but never overwrites a local object", async (t) => {
  const objects = await store(t);
  const remoteId = "http://remote.example/note/1";
  const bare = await objects.ensure({ objectType: "note", id: remoteId });
  assert.equal(bare.content, undefined);
  const filled = await objects.ensure({ objectType: "note", id: remoteId, content: "remote text" });
  assert.equal(filled.content, "remote text");
  const older = await objects.ensure({ objectType: "note", id: remoteId, content: "stale", updated: "2000-01-01T00:00:00Z" });
  assert.equal(older.content, "remote text", "a non-bare stored copy without newer data wins");
  const datedId = "http://remote.example/note/2";
  await objects.ensure({ objectType: "note", id: datedId, content: "v1", updated: "2010-01-01T00:00:00Z" });
  const newer = await objects.ensure({ objectType: "note", id: datedId, content: "v2", updated: "2011-01-01T00:00:00Z" });
  assert.equal(newer.content, "v2", "newer remote data is merged in");
  const stale = await objects.ensure({ objectType: "note", id: datedId, content: "v0", updated: "2009-01-01T00:00:00Z" });
  assert.equal(stale.content, "v2");

  const local = await objects.create(objects.mint({ objectType: "note", content: "mine" }, "alice"));
  const after = await objects.ensure({ objectType: "note", id: local.id, content: "overwritten?", updated: "2999-01-01T00:00:00Z" });
  assert.equal(after.content, "mine");
});

test("tombstones keep only id, objectType, author, published, inReplyTo", async (t) => {
  const objects = await store(t);
  const obj = await objects.create(
    objects.mint({ objectType: "comment", content: "x", author: { id: "acct:a@social.example", objectType: "person" }, inReplyTo: { id: "p", objectType: "note" } }, "a"),
  );
  const dead = await objects.tombstone(obj);
  assert.ok(isTombstone(dead));
  assert.deepEqual(Object.keys(dead).filter((k) => !k.startsWith("_")).sort(), ["author", "deleted", "id", "inReplyTo", "objectType", "published", "updated"]);
  assert.equal(dead.deleted, dead.updated);
});

test("validation gives 400s with the failing path", () => {
  const check = (fn: () => void, re: RegExp) =>
    assert.throws(fn, (err: unknown) => err instanceof HttpError && err.status === 400 && re.test(err.message));
  check(() => validateObject("x"), /object: must be an object/);
  check(() => validateObject({ displayName: 3 }), /object\.displayName/);
  check(() => validateObject({ author: [] }), /object\.author/);
  check(() => validateObject({ attachments: {} }), /object\.attachments/);
  check(() => validateObject({ attachments: [7] }), /object\.attachments\[0\]/);
  check(() => validateObject({ image: { url: "u", width: "wide" } }), /object\.image\.width/);
  check(() => validateObject({ upstreamDuplicates: [1] }), /upstreamDuplicates/);
  check(() => validateActivity(null), /Activity must be a JSON object/);
  check(() => validateActivity({ verb: [] }), /verb/);
  check(() => validateActivity({ cc: [1] }), /cc\[0\]/);
  check(() => validateActivity({ target: 1 }), /target/);
  validateObject({ objectType: "note", content: "ok", image: { url: "u", width: 1 }, attachments: [{}] });
});
