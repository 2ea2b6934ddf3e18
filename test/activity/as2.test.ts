import { test } from "node:test";
import assert from "node:assert/strict";
import { toAS2 } from "../../lib/activity/as2";

const base = "http://social.example";
const frodo = {
  objectType: "person",
  id: "acct:frodo@social.example",
  displayName: "Frodo",
  url: `${base}/frodo`,
  links: {
    self: { href: `${base}/api/user/frodo/profile` },
    "activity-inbox": { href: `${base}/api/user/frodo/inbox` },
    "activity-outbox": { href: `${base}/api/user/frodo/feed` },
  },
  followers: { url: `${base}/api/user/frodo/followers` },
  following: { url: `${base}/api/user/frodo/following` },
  favorites: { url: `${base}/api/user/frodo/favorites` },
};
const note = {
  objectType: "note",
  id: `${base}/api/note/abc`,
  links: { self: { href: `${base}/api/note/abc` } },
  content: "Hello",
  displayName: "Hi",
  url: `${base}/frodo/note/abc`,
  published: "2013-05-01T12:00:00Z",
  author: frodo,
  likes: { url: `${base}/api/note/abc/likes`, totalItems: 0 },
};

test("a note", () => {
  const n = toAS2(note, { base });
  assert.equal(n["@context"], "https://www.w3.org/ns/activitystreams");
  assert.equal(n.type, "Note");
  assert.equal(n.id, note.id);
  assert.equal(n.name, "Hi");
  assert.equal(n.content, "Hello");
  assert.deepEqual(n.url, { type: "Link", href: note.url, mediaType: "text/html" });
  assert.equal(n.attributedTo.id, `${base}/frodo`);
  assert.equal(n.attributedTo.type, "Person");
  assert.equal(n.likes.type, "OrderedCollection");
  assert.equal(n.likes.first, undefined);
});

test("a local person", () => {
  const p = toAS2(frodo, { base });
  assert.equal(p.type, "Person");
  assert.equal(p.id, `${base}/frodo`);
  assert.equal(p.inbox, `${base}/api/user/frodo/inbox`);
  assert.equal(p.outbox, `${base}/api/user/frodo/feed`);
  assert.equal(p.followers, `${base}/api/user/frodo/followers`);
  assert.equal(p.following, `${base}/api/user/frodo/following`);
  assert.equal(p.liked, `${base}/api/user/frodo/favorites`);
  const remote = toAS2({ objectType: "person", id: "http://other.example/sam", links: { self: { href: "http://other.example/api/sam" } } }, { base });
  assert.equal(remote.id, "http://other.example/api/sam");
});

test("a post activity and the undo verbs", () => {
  const act = {
    id: `${base}/api/activity/xyz`,
    verb: "post",
    actor: frodo,
    object: note,
    content: "Frodo posted a note",
    to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }],
  };
  const a = toAS2(act, { base });
  assert.equal(a.type, "Create");
  assert.equal(a.summary, "Frodo posted a note");
  assert.equal(a.actor.id, `${base}/frodo`);
  assert.equal(a.object.type, "Note");
  assert.equal(a.to.type, "Collection");
  assert.equal(toAS2({ ...act, target: { objectType: "collection", id: "x" } }, { base }).type, "Add");
  assert.equal(toAS2({ ...act, verb: "share" }, { base }).type, "Announce");
  assert.equal(toAS2({ ...act, verb: "favorite" }, { base }).type, "Like");
  assert.equal(toAS2({ ...act, verb: "rsvp-maybe" }, { base }).type, "TentativeAccept");
  assert.equal(toAS2({ ...act, verb: "make-friend" }, { base }).type, "Activity");
  const undo = toAS2({ ...act, verb: "stop-following", object: frodo }, { base });
  assert.equal(undo.type, "Undo");
  assert.equal(undo.object.type, "Follow");
  assert.equal(undo.object.object.type, "Person");
  assert.equal(toAS2({ ...act, verb: "unshare" }, { base }).object.type, "Announce");
});

test("a collection", () => {
  const url = `${base}/api/user/frodo/feed`;
  const c = toAS2(
    { displayName: "Activities by Frodo", objectTypes: ["activity"], url, totalItems: 1, items: [{ id: "a1", verb: "post", object: note }], links: { first: { href: url }, next: { href: `${url}?before=a1` } } },
    { base },
  );
  assert.equal(c.type, "OrderedCollection");
  assert.equal(c.id, url);
  assert.equal(c.totalItems, 1);
  assert.equal(c.first.type, "OrderedCollectionPage");
  assert.equal(c.first.id, url);
  assert.equal(c.first.next, `${url}?before=a1`);
  assert.equal(c.first.orderedItems[0].type, "Create");
  const empty = toAS2({ url, totalItems: 0, items: [] }, { base });
  assert.equal(empty.first, undefined);
  assert.equal(empty.orderedItems, undefined);
});
