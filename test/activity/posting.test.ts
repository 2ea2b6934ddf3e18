import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { CLIENT, openTestEngine, postNote, register, uuidOf, viewer } from "./support";

const ID = /^[A-Za-z0-9_-]{22}$/;
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function status(code: number, message?: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof HttpError, `expected HttpError, got ${String(err)}`);
    assert.equal(err.status, code);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}

test("a posted note gets minted ids, urls, feeds, generator, content and cc followers", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const act = await postNote(engine, "alice", "Hello, world!");
  const base = "http://social.example";
  assert.match(uuidOf(act.id), ID);
  assert.equal(act.id, `${base}/api/activity/${uuidOf(act.id)}`);
  assert.equal(act.links.self.href, act.id);
  assert.equal(act.url, `${base}/alice/activity/${uuidOf(act.id)}`);
  assert.match(act.published, STAMP);
  assert.equal(act.verb, "post");
  assert.equal(act.actor.id, "acct:alice@social.example");
  assert.deepEqual(act.generator, { ...CLIENT, displayName: "Test App" });
  const note = act.object;
  const nu = uuidOf(note.id);
  assert.equal(note.id, `${base}/api/note/${nu}`);
  assert.equal(note.url, `${base}/alice/note/${nu}`);
  assert.equal(note.likes.url, `${note.id}/likes`);
  assert.equal(note.replies.url, `${note.id}/replies`);
  assert.equal(note.shares.totalItems, 0);
  assert.equal(note.author, undefined, "post drops object.author");
  assert.equal(note.liked, false);
  assert.equal(note.pump_io.shared, false);
  assert.equal(act.to, undefined);
  assert.deepEqual(act.cc.map((c: { id: string }) => c.id), [`${base}/api/user/alice/followers`]);
  assert.equal(act.cc[0].displayName, "Followers");
  // The generated content (activities.md §11), stored like any HTML: through the sanitiser.
  assert.equal(act.content, `<a rel="nofollow noopener" href="${base}/alice">alice</a> posted <a rel="nofollow noopener" href="${note.url}">a note</a>`);

  const me = viewer(engine, "alice");
  assert.equal((await engine.streams.feed("alice", "feed/major", {}, me)).totalItems, 1);
  assert.equal((await engine.streams.inbox("alice", "inbox/major", {}, me)).totalItems, 2);
  const read = await engine.getObject("note", nu, me);
  assert.equal(read.author.id, "acct:alice@social.example");
  assert.equal(read.content, "Hello, world!");
});

test("posting checks the actor, the feed kind and the shape, writing nothing on failure", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const me = viewer(engine, "alice");
  const before = (await engine.streams.feed("alice", "feed", {}, me)).totalItems;
  const note = { objectType: "note", content: "x" };

  await assert.rejects(engine.postActivity("alice", { actor: { objectType: "person", id: engine.personId("bob") }, object: note }, CLIENT), status(400, "Invalid actor"));
  await assert.rejects(engine.postActivity("alice", { verb: "follow", object: { objectType: "person", id: engine.personId("bob") } }, CLIENT, { feed: "major" }), status(400, "Only major activities to this feed."));
  await assert.rejects(engine.postActivity("alice", { object: note }, CLIENT, { feed: "minor" }), status(400, "Only minor activities to this feed."));
  await assert.rejects(engine.postActivity("alice", { verb: "post", object: "a string" }, CLIENT), status(400, /object/));
  await assert.rejects(engine.postActivity("alice", { verb: 7, object: note }, CLIENT), status(400, /verb/));
  await assert.rejects(engine.postActivity("alice", { object: note, to: "everyone" }, CLIENT), status(400, /to/));
  await assert.rejects(engine.postActivity("alice", { object: { ...note, content: 5 } }, CLIENT), status(400, /content/));
  await assert.rejects(engine.postActivity("alice", { object: { ...note, image: { url: 1 } } }, CLIENT), status(400, /image/));
  await assert.rejects(engine.postActivity("alice", [1, 2], CLIENT), status(400));
  await assert.rejects(engine.postActivity("alice", { verb: "post" }, CLIENT), status(400, "Activity has no object"));
  await assert.rejects(engine.postActivity("nobody", { object: note }, CLIENT), status(404));

  assert.equal((await engine.streams.feed("alice", "feed", {}, me)).totalItems, before);
});

test("a minor post to feed/minor and a major one to feed/major are accepted", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const major = await engine.postActivity("alice", { object: { objectType: "image", displayName: "cat" } }, CLIENT, { feed: "major" });
  assert.equal(major.object.objectType, "image");
  const minor = await engine.postActivity("alice", { verb: "follow", object: { objectType: "person", id: engine.personId("bob") } }, CLIENT, { feed: "minor" });
  assert.equal(minor.verb, "follow");
});

test("a client-supplied object id is kept and gets ?id= links", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const id = "tag:social.example,2013:note/1";
  const act = await engine.postActivity("alice", { object: { objectType: "note", id, content: "mine" } }, CLIENT);
  assert.equal(act.object.id, id);
  const enc = encodeURIComponent(id);
  assert.equal(act.object.links.self.href, `http://social.example/api/note?id=${enc}`);
  assert.equal(act.object.likes.url, `http://social.example/api/note/likes?id=${enc}`);
  const got = await engine.getObjectByForeignId("note", id, viewer(engine, "alice"));
  assert.equal(got.content, "mine");
  await assert.rejects(engine.getObjectByForeignId("note", "", viewer(engine, "alice")), status(400, "'id' required"));
  await assert.rejects(engine.postActivity("alice", { object: { objectType: "note", id, content: "again" } }, CLIENT), status(400, "Already posted"));
});

test("unknown object types are kept but stored under 'other'", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const act = await engine.postActivity("alice", { object: { objectType: "http://example.org/types/thing", displayName: "x" } }, CLIENT);
  assert.equal(act.object.objectType, "http://example.org/types/thing");
  assert.match(act.object.id, /^http:\/\/social\.example\/api\/other\/[A-Za-z0-9_-]{22}$/);
  const got = await engine.getObject("other", uuidOf(act.object.id), viewer(engine, "alice"));
  assert.equal(got.displayName, "x");
});

test("the activity can be read, changed and effaced by its actor only", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const act = await postNote(engine, "alice", "hi", { to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }] });
  const uuid = uuidOf(act.id);
  await assert.rejects(engine.putActivity(uuid, { content: "changed" }, "bob"), status(403, "Only the actor can modify this object."));
  const put = await engine.putActivity(uuid, { content: "changed", _secret: 1 }, "alice");
  assert.equal(put.content, "changed");
  assert.equal(put._secret, undefined);
  await assert.rejects(engine.deleteActivity(uuid, "bob"), status(403));
  assert.equal(await engine.deleteActivity(uuid, "alice"), "Deleted");
  await assert.rejects(engine.getActivity(uuid, viewer(engine, "alice")), status(410, "Deleted"));
  await assert.rejects(engine.getActivity("nonesuch", viewer(engine, "alice")), status(404, "Can't find an activity with id nonesuch"));
  const feed = await engine.streams.feed("alice", "feed", {}, viewer(engine, "alice"));
  assert.equal(feed.items[0].id, act.id, "an effaced activity stays in streams");
  assert.ok(feed.items[0].deleted);
});

test("a stored, never-posted object can be posted only by its author", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const remote = {
    objectType: "note",
    id: "http://remote.example/note/1",
    content: "carol's words",
    author: { objectType: "person", id: "acct:carol@remote.example" },
  };
  // alice's like stores carol's note without a post activity for it.
  await engine.postActivity("alice", { verb: "favorite", object: remote }, CLIENT);
  const bobFeed = () => engine.streams.feed("bob", "feed", {}, viewer(engine, "bob"));
  const before = (await bobFeed()).totalItems;
  await assert.rejects(
    engine.postActivity("bob", { object: { objectType: "note", id: remote.id } }, CLIENT),
    status(400, "Only the author can post this object."),
  );
  assert.equal((await bobFeed()).totalItems, before, "nothing half-stored in bob's outbox");
  // Its author may post it (as the web's picture posts do with an upload).
  const own = await engine.ctx.objects.ensure({ objectType: "note", id: "http://social.example/api/note/stored-not-posted", content: "mine", author: { objectType: "person", id: engine.personId("bob") } });
  const posted = await engine.postActivity("bob", { object: { objectType: "note", id: own.id } }, CLIENT);
  assert.equal(posted.object.id, own.id);
});
