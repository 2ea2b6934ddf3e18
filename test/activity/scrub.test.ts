import { test } from "node:test";
import assert from "node:assert/strict";
import { scrubActivity } from "../../lib/activity/scrub";

test("an activity is scrubbed in every place §8 lists: _ keys go, display names with markup become text", () => {
  const act: Record<string, any> = {
    _hidden: 1,
    _html: 1,
    content: "<b>x</b>",
    displayName: "<script>x</script>kept",
    object: {
      _uuid: "x",
      _html: 1,
      content: "<b>x</b>",
      displayName: "<i>name</i> & co",
      author: { _x: 1, displayName: "<b>Al</b>" },
      attachments: [{ _y: 1 }],
      tags: [{ _z: 1, displayName: "Plain <3" }],
      location: { _w: 1 },
    },
    target: { _v: 1 },
    to: [{ objectType: "person", id: "p", _u: 1 }],
    bcc: [{ objectType: "person", id: "q", _t: 1 }],
  };
  scrubActivity(act);
  assert.equal(act._hidden, undefined);
  assert.equal(act._html, undefined, "a client cannot claim its HTML is already sanitised");
  assert.equal(act.object._html, undefined);
  assert.equal(act.object._uuid, undefined);
  assert.equal(act.object.displayName, "name & co");
  assert.equal(act.object.author._x, undefined);
  assert.equal(act.object.author.displayName, "Al");
  assert.equal(act.object.attachments[0]._y, undefined);
  assert.equal(act.object.tags[0]._z, undefined);
  assert.equal(act.object.tags[0].displayName, "Plain <3");
  assert.equal(act.object.location._w, undefined);
  assert.equal(act.target._v, undefined);
  assert.equal(act.to[0]._u, undefined);
  assert.equal(act.bcc[0]._t, undefined);
  // HTML itself is sanitised where it is stored (test/model/html.test.ts), not here.
  assert.equal(act.object.content, "<b>x</b>");
});
