import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { CLIENT, follow, openTestEngine, postNote, register, uuidOf, viewer } from "./support";

function status(code: number, message?: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof HttpError, `expected HttpError, got ${String(err)}`);
    assert.equal(err.status, code);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}

const PUBLIC = [{ objectType: "collection", id: "http://activityschema.org/collection/public" }];

test("a reply lands in the parent's replies and is addressed to the parent's author", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  await follow(engine, "bob", "alice");
  const parent = await postNote(engine, "alice", "question?");
  const reply = await engine.postActivity("bob", { object: { objectType: "comment", content: "answer", inReplyTo: { id: parent.object.id, objectType: "note" } } }, CLIENT);
  assert.deepEqual(reply.to.map((a: { id: string }) => a.id), [engine.personId("alice")]);
  assert.deepEqual(reply.cc.map((a: { id: string }) => a.id), ["http://social.example/api/user/alice/followers"]);
  assert.match(reply.content, /posted <a rel="nofollow noopener" href="[^"]+">a comment<\/a> in reply to <a rel="nofollow noopener" href="[^"]+">a note<\/a>$/);
  const alice = viewer(engine, "alice");
  const note = await engine.getObject("note", uuidOf(parent.object.id), alice);
  assert.equal(note.replies.totalItems, 1);
  assert.equal(note.replies.items[0].id, reply.object.id);
  const replies = await engine.streams.objectFeed("note", { uuid: uuidOf(parent.object.id) }, "replies", {}, alice);
  assert.equal(replies.displayName, `Replies to ${parent.object.id}`);
  assert.equal(replies.items.length, 1);
  assert.equal(replies.items[0].inReplyTo, undefined);
  // deleting the reply takes it out of the parent's replies
  await engine.deleteObject("comment", uuidOf(reply.object.id), "bob", CLIENT);
  assert.equal((await engine.getObject("note", uuidOf(parent.object.id), alice)).replies.totalItems, 0);
});

test("favorite and unfavorite change likes, favorites and liked", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const post = await postNote(engine, "alice", "likeable", { to: PUBLIC });
  const uuid = uuidOf(post.object.id);
  const bob = viewer(engine, "bob");
  const fav = await engine.favorite("bob", { objectType: "note", id: post.object.id }, CLIENT);
  assert.equal(fav.liked, true);
  assert.equal(fav.likes.totalItems, 1);
  assert.equal(fav.likes.items[0].id, engine.personId("bob"));
  await assert.rejects(engine.favorite("bob", { objectType: "note", id: post.object.id }, CLIENT), status(400, /Already have a\(n\) 'favorite'/));
  const favs = await engine.streams.favorites("bob", {}, bob);
  assert.equal(favs.displayName, "Things that bob has favorited");
  assert.equal(favs.totalItems, 1);
  const likes = await engine.streams.objectFeed("note", { uuid }, "likes", {}, bob);
  assert.equal(likes.displayName, `People who like ${post.object.id}`);
  assert.deepEqual(likes.objectTypes, ["person"]);
  assert.equal(likes.items[0].id, engine.personId("bob"));

  const unfav = await engine.postActivity("bob", { verb: "unfavorite", object: { objectType: "note", id: post.object.id } }, CLIENT);
  assert.equal(unfav.object.likes.totalItems, 0);
  assert.equal((await engine.getObject("note", uuid, bob)).liked, false);
  assert.equal((await engine.streams.favorites("bob", {}, bob)).totalItems, 0);
  await assert.rejects(engine.postActivity("bob", { verb: "unlike", object: { objectType: "note", id: post.object.id } }, CLIENT), status(400, /No such 'favorite'/));
});

test("share and unshare change shares and pump_io.shared", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const post = await postNote(engine, "alice", "shareable", { to: PUBLIC });
  const uuid = uuidOf(post.object.id);
  const bob = viewer(engine, "bob");
  const shared = await engine.postActivity("bob", { verb: "share", object: { objectType: "note", id: post.object.id } }, CLIENT);
  assert.equal(shared.object.shares.totalItems, 1);
  assert.equal(shared.object.pump_io.shared, true);
  const shares = await engine.streams.objectFeed("note", { uuid }, "shares", {}, bob);
  assert.equal(shares.items[0].id, engine.personId("bob"));
  await engine.postActivity("bob", { verb: "unshare", object: { objectType: "note", id: post.object.id } }, CLIENT);
  const after = await engine.getObject("note", uuid, bob);
  assert.equal(after.shares.totalItems, 0);
  assert.equal(after.pump_io.shared, false);
  await assert.rejects(engine.postActivity("bob", { verb: "unshare", object: { objectType: "note", id: post.object.id } }, CLIENT), status(400, /not found in stream/));
});

test("follow and stop-following keep edges and both streams", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const alice = viewer(engine, "alice");
  const followed = await engine.follow("alice", { objectType: "person", id: engine.personId("bob") }, CLIENT);
  assert.equal(followed.pump_io.followed, true);
  await assert.rejects(engine.follow("alice", { objectType: "person", id: engine.personId("bob") }, CLIENT), status(400, /Already have a\(n\) 'edge'/));
  const following = await engine.streams.following("alice", {}, alice);
  assert.equal(following.displayName, "Following for alice");
  assert.deepEqual(following.items.map((p: { id: string }) => p.id), [engine.personId("bob")]);
  assert.equal(following.items[0].pump_io.followed, true);
  const followers = await engine.streams.followers("bob", {}, alice);
  assert.deepEqual(followers.items.map((p: { id: string }) => p.id), [engine.personId("alice")]);
  assert.equal((await engine.getProfile("bob", alice)).followers.totalItems, 1);

  await engine.postActivity("alice", { verb: "stop-following", object: { objectType: "person", id: engine.personId("bob") } }, CLIENT);
  assert.equal((await engine.streams.following("alice", {}, alice)).totalItems, 0);
  assert.equal((await engine.streams.followers("bob", {}, alice)).totalItems, 0);
  await assert.rejects(engine.postActivity("alice", { verb: "stop-following", object: { objectType: "person", id: engine.personId("bob") } }, CLIENT), status(400, /No such 'edge'/));
});

test("following can be searched with q", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol", "bobby");
  for (const n of ["bob", "carol", "bobby"]) await follow(engine, "alice", n);
  const found = await engine.streams.following("alice", { q: "BOB" }, viewer(engine, "alice"));
  assert.deepEqual(found.items.map((p: { preferredUsername: string }) => p.preferredUsername).sort(), ["bob", "bobby"]);
});

test("update merges into the stored object; only the author may", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const post = await postNote(engine, "alice", "first", { to: PUBLIC });
  const uuid = uuidOf(post.object.id);
  const updated = await engine.updateObject("note", uuid, { content: "second", id: "ignored", likes: { totalItems: 99 } }, "alice", CLIENT);
  assert.equal(updated.content, "second");
  assert.equal(updated.id, post.object.id);
  assert.equal(updated.likes.totalItems, 0);
  assert.equal(updated.published, post.object.published);
  await assert.rejects(engine.updateObject("note", uuid, { content: "x" }, "bob", CLIENT), status(403, "Only the author can modify this object."));
  await assert.rejects(engine.postActivity("bob", { verb: "update", object: { objectType: "note", id: post.object.id, content: "x" } }, CLIENT), status(400, `Can't update ${post.object.id}: not author.`));
  // the update activity went to the original post's recipients
  const feed = await engine.streams.feed("alice", "feed", {}, viewer(engine, "alice"));
  assert.equal(feed.items[0].verb, "update");
  assert.equal(feed.items[0].to[0].id, "http://activityschema.org/collection/public");
  // profile update
  const profile = await engine.updateProfile("alice", { displayName: "Alice A." }, CLIENT);
  assert.equal(profile.displayName, "Alice A.");
  assert.equal((await engine.streams.feed("alice", "feed", {}, viewer(engine, "alice"))).displayName, "Activities by Alice A.");
});

test("delete leaves a tombstone: 410 on read, reduced form in feeds", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const post = await postNote(engine, "alice", "doomed", { to: PUBLIC });
  const uuid = uuidOf(post.object.id);
  await assert.rejects(engine.deleteObject("note", uuid, "bob", CLIENT), status(403));
  assert.equal(await engine.deleteObject("note", uuid, "alice", CLIENT), "Deleted");
  await assert.rejects(engine.getObject("note", uuid, viewer(engine, "alice")), status(410, "Deleted"));
  const feed = await engine.streams.feed("alice", "feed", {}, viewer(engine, "alice"));
  assert.equal(feed.items[0].verb, "delete");
  const original = feed.items[1];
  assert.equal(original.object.content, undefined);
  assert.ok(original.object.deleted);
  assert.equal(original.object.id, post.object.id);
  await assert.rejects(engine.getObject("note", "nonesuch", viewer(engine, "alice")), status(404, "Can't find a note with ID = nonesuch"));
});

test("lists: create, duplicate name, add, remove, wrong type, delete", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  const alice = viewer(engine, "alice");
  const made = await engine.postActivity("alice", { verb: "create", object: { objectType: "collection", displayName: "Climbers", objectTypes: ["person"] } }, CLIENT);
  const list = made.object;
  const luuid = uuidOf(list.id);
  assert.equal(list.url, `http://social.example/alice/list/${luuid}`);
  assert.equal(list.members.url, `http://social.example/api/collection/${luuid}/members`);
  await assert.rejects(
    engine.postActivity("alice", { verb: "create", object: { objectType: "collection", displayName: "Climbers", objectTypes: ["person"] } }, CLIENT),
    status(400, "A folder for 'person' named 'Climbers' already exists."),
  );
  await assert.rejects(engine.postActivity("alice", { verb: "create", object: { objectType: "collection", displayName: "Friends", objectTypes: ["person"] } }, CLIENT), status(400));
  assert.equal((await engine.streams.lists("alice", "person", {}, alice)).totalItems, 5);

  const added = await engine.addToList(luuid, { objectType: "person", id: engine.personId("bob") }, "alice", CLIENT);
  assert.equal(added.id, engine.personId("bob"));
  await assert.rejects(engine.addToList(luuid, { objectType: "person", id: engine.personId("carol") }, "bob", CLIENT), status(403));
  await assert.rejects(
    engine.postActivity("alice", { verb: "add", object: { objectType: "note", id: "http://x.example/n" }, target: { objectType: "collection", id: list.id } }, CLIENT),
    status(400, `Can't add to ${list.id}: incorrect type.`),
  );
  await assert.rejects(
    engine.postActivity("bob", { verb: "add", object: { objectType: "person", id: engine.personId("carol") }, target: { objectType: "collection", id: list.id } }, CLIENT),
    status(400, `Can't add to ${list.id}: not author.`),
  );
  await assert.rejects(
    engine.postActivity("alice", { verb: "add", object: { objectType: "person", id: engine.personId("carol") }, target: { objectType: "note", id: list.id } }, CLIENT),
    status(400, /don't know how to add to type 'note'/),
  );
  let members = await engine.streams.listMembers(luuid, {}, alice);
  assert.equal(members.displayName, "Members of Climbers by alice");
  assert.deepEqual(members.items.map((p: { id: string }) => p.id), [engine.personId("bob")]);

  await engine.postActivity("alice", { verb: "remove", object: { objectType: "person", id: engine.personId("bob") }, target: { objectType: "collection", id: list.id } }, CLIENT);
  members = await engine.streams.listMembers(luuid, {}, alice);
  assert.equal(members.totalItems, 0);
  await assert.rejects(
    engine.postActivity("alice", { verb: "remove", object: { objectType: "person", id: engine.personId("bob") }, target: { objectType: "collection", id: list.id } }, CLIENT),
    status(400, /not found in stream/),
  );

  await engine.deleteObject("collection", luuid, "alice", CLIENT);
  assert.equal((await engine.streams.lists("alice", "person", {}, alice)).totalItems, 4);
  // the name is free again
  await engine.postActivity("alice", { verb: "create", object: { objectType: "collection", displayName: "Climbers", objectTypes: ["person"] } }, CLIENT);
});

test("groups: join needs an invitation, members, documents, group inbox, leave", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  const made = await engine.postActivity("alice", { verb: "create", object: { objectType: "group", displayName: "Hikers" }, to: [{ objectType: "person", id: engine.personId("bob") }] }, CLIENT);
  const group = made.object;
  const guuid = uuidOf(group.id);
  assert.equal(group.members.url, `http://social.example/api/group/${guuid}/members`);
  assert.equal(group.links["activity-inbox"].href, `http://social.example/api/group/${guuid}/inbox`);
  const ref = { objectType: "group", id: group.id };

  await assert.rejects(engine.postActivity("carol", { verb: "join", object: ref }, CLIENT), status(400, "carol is not allowed to join group Hikers"));
  await engine.postActivity("bob", { verb: "join", object: ref }, CLIENT);
  await assert.rejects(engine.postActivity("bob", { verb: "join", object: ref }, CLIENT), status(400, /Already have a\(n\) 'membership'/));
  const bob = viewer(engine, "bob");
  const members = await engine.streams.group({ uuid: guuid }, "members", {}, bob);
  assert.equal(members.displayName, "Members of Hikers");
  assert.deepEqual(members.items.map((p: { id: string }) => p.id), [engine.personId("bob")]);

  await assert.rejects(
    engine.postActivity("alice", { verb: "post", object: { objectType: "note", content: "x" }, target: ref }, CLIENT),
    status(400, "Actor is not a member of the group."),
  );
  const doc = await engine.postActivity("bob", { verb: "post", object: { objectType: "note", content: "trail map" }, target: ref }, CLIENT);
  assert.deepEqual(doc.to.map((a: { id: string }) => a.id), [group.id]);
  const docs = await engine.streams.group({ uuid: guuid }, "documents", {}, bob);
  assert.equal(docs.displayName, "Documents of Hikers");
  assert.deepEqual(docs.items.map((o: { id: string }) => o.id), [doc.object.id]);
  const inbox = await engine.streams.group({ uuid: guuid }, "inbox", {}, bob);
  assert.equal(inbox.displayName, "Activities for Hikers");
  assert.equal(inbox.items[0].id, doc.id);
  await assert.rejects(
    engine.postActivity("bob", { verb: "add", object: { objectType: "note", id: doc.object.id }, target: ref }, CLIENT),
    status(400, "Group already contains object."),
  );

  await engine.postActivity("bob", { verb: "leave", object: ref }, CLIENT);
  assert.equal((await engine.streams.group({ uuid: guuid }, "members", {}, viewer(engine, "alice"))).totalItems, 0);
  await assert.rejects(engine.postActivity("bob", { verb: "leave", object: ref }, CLIENT), status(400, /No such 'membership'/));
});
