import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { CLIENT, NOBODY, follow, openTestEngine, postNote, register, uuidOf, viewer } from "./support";

const PUBLIC = { objectType: "collection", id: "http://activityschema.org/collection/public" };

function forbidden(err: unknown): boolean {
  assert.ok(err instanceof HttpError);
  assert.equal(err.status, 403);
  return true;
}

test("who may read what: public, followers-only, to one person, anonymous", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol", "dave");
  await follow(engine, "bob", "alice");
  await follow(engine, "carol", "alice");
  const [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map((n) => viewer(engine, n));

  const pub = await postNote(engine, "alice", "for all", { to: [PUBLIC] });
  const fol = await postNote(engine, "alice", "for followers");
  const one = await postNote(engine, "alice", "for bob", { to: [{ objectType: "person", id: engine.personId("bob") }] });

  for (const v of [alice, bob, carol, dave, NOBODY]) {
    assert.equal((await engine.getObject("note", uuidOf(pub.object.id), v)).content, "for all");
    assert.equal((await engine.getActivity(uuidOf(pub.id), v)).id, pub.id);
  }
  for (const v of [alice, bob, carol]) assert.equal((await engine.getObject("note", uuidOf(fol.object.id), v)).content, "for followers");
  for (const v of [dave, NOBODY]) await assert.rejects(engine.getObject("note", uuidOf(fol.object.id), v), forbidden);
  for (const v of [alice, bob]) assert.equal((await engine.getObject("note", uuidOf(one.object.id), v)).content, "for bob");
  for (const v of [carol, dave, NOBODY]) {
    await assert.rejects(engine.getObject("note", uuidOf(one.object.id), v), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.message, "Only the author and recipients can view this object.");
      return true;
    });
    await assert.rejects(engine.getActivity(uuidOf(one.id), v), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.message, "Only the actor and recipients can view this activity.");
      return true;
    });
  }

  // feeds are filtered for others; totalItems is the unfiltered size
  const ids = async (v: typeof alice) => (await engine.streams.feed("alice", "feed/major", {}, v)).items.map((a: { id: string }) => a.id);
  assert.deepEqual(await ids(alice), [one.id, fol.id, pub.id]);
  assert.deepEqual(await ids(bob), [one.id, fol.id, pub.id]);
  assert.deepEqual(await ids(carol), [fol.id, pub.id]);
  assert.deepEqual(await ids(dave), [pub.id]);
  assert.deepEqual(await ids(NOBODY), [pub.id]);
  assert.equal((await engine.streams.feed("alice", "feed/major", {}, NOBODY)).totalItems, 3);

  // inboxes are for their owner only
  await assert.rejects(engine.streams.inbox("alice", "inbox", {}, bob), (err: unknown) => err instanceof HttpError && err.status === 401);
});

test("bto and bcc are shown to the actor only", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  const act = await postNote(engine, "alice", "secret", {
    to: [{ objectType: "person", id: engine.personId("bob") }],
    bcc: [{ objectType: "person", id: engine.personId("carol") }],
  });
  assert.equal(act.bcc[0].id, engine.personId("carol"), "the actor sees bcc in the response");
  const uuid = uuidOf(act.id);
  assert.equal((await engine.getActivity(uuid, viewer(engine, "alice"))).bcc.length, 1);
  for (const n of ["bob", "carol"]) {
    const seen = await engine.getActivity(uuid, viewer(engine, n));
    assert.equal(seen.bcc, undefined);
    assert.equal(seen.bto, undefined);
    assert.equal(seen.to[0].id, engine.personId("bob"));
  }
  const carolInbox = await engine.streams.inbox("carol", "inbox", {}, viewer(engine, "carol"));
  assert.equal(carolInbox.items[0].id, act.id);
  assert.equal(carolInbox.items[0].bcc, undefined);
});

test("inbox placement: to/bto are direct, cc/bcc are not", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol", "dave", "erin");
  const p = (n: string) => ({ objectType: "person", id: engine.personId(n) });
  const act = await postNote(engine, "alice", "hi", { to: [p("bob")], cc: [p("carol")], bto: [p("dave")], bcc: [p("erin")] });
  const count = async (n: string, kind: "inbox" | "inbox/direct" | "inbox/direct/major" | "inbox/major") =>
    (await engine.streams.inbox(n, kind, {}, viewer(engine, n))).items.filter((a: { id: string }) => a.id === act.id).length;
  for (const n of ["bob", "dave"]) {
    assert.equal(await count(n, "inbox"), 1, n);
    assert.equal(await count(n, "inbox/major"), 1, n);
    assert.equal(await count(n, "inbox/direct"), 1, n);
    assert.equal(await count(n, "inbox/direct/major"), 1, n);
  }
  for (const n of ["carol", "erin"]) {
    assert.equal(await count(n, "inbox"), 1, n);
    assert.equal(await count(n, "inbox/direct"), 0, n);
  }
});

test("followers get public and followers-addressed posts; lists deliver to members", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol", "dave");
  await follow(engine, "bob", "alice");
  const made = await engine.postActivity("alice", { verb: "create", object: { objectType: "collection", displayName: "Close", objectTypes: ["person"] } }, CLIENT);
  await engine.addToList(uuidOf(made.object.id), { objectType: "person", id: engine.personId("carol") }, "alice", CLIENT);
  const pub = await postNote(engine, "alice", "pub", { to: [PUBLIC] });
  const fol = await postNote(engine, "alice", "fol");
  const lst = await postNote(engine, "alice", "list", { to: [{ objectType: "collection", id: made.object.id }] });
  const inboxIds = async (n: string) => (await engine.streams.inbox(n, "inbox", {}, viewer(engine, n))).items.map((a: { id: string }) => a.id);
  const bob = await inboxIds("bob");
  assert.ok(bob.includes(pub.id) && bob.includes(fol.id) && !bob.includes(lst.id));
  const carol = await inboxIds("carol");
  assert.ok(carol.includes(lst.id) && !carol.includes(pub.id) && !carol.includes(fol.id));
  assert.ok(!(await inboxIds("dave")).includes(pub.id), "non-followers get nothing delivered");
  // list members may read what is addressed to the list
  assert.equal((await engine.getObject("note", uuidOf(lst.object.id), viewer(engine, "carol"))).content, "list");
  await assert.rejects(engine.getObject("note", uuidOf(lst.object.id), viewer(engine, "dave")), forbidden);
});

test("default addressing: plain post, person object, favorite, delete, update", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  const followers = "http://social.example/api/user/alice/followers";
  const ids = (list: Array<{ id: string }> | undefined) => (list ?? []).map((a) => a.id);
  const post = await postNote(engine, "alice", "x", { to: [{ objectType: "person", id: engine.personId("bob") }] });
  const plain = await postNote(engine, "alice", "y");
  assert.deepEqual(ids(plain.cc), [followers]);
  assert.equal(plain.to, undefined);
  assert.equal(plain.bto, undefined);

  const fol = await engine.postActivity("alice", { verb: "follow", object: { objectType: "person", id: engine.personId("bob") } }, CLIENT);
  assert.deepEqual(ids(fol.to), [engine.personId("bob")]);
  assert.deepEqual(ids(fol.cc), [followers]);

  const fav = await engine.postActivity("bob", { verb: "favorite", object: { objectType: "note", id: post.object.id } }, CLIENT);
  assert.deepEqual(ids(fav.to), [engine.personId("bob")]);
  const favUnknown = await engine.postActivity("bob", { verb: "favorite", object: { objectType: "note", id: "http://remote.example/note/1" } }, CLIENT);
  assert.deepEqual(ids(favUnknown.cc), ["http://social.example/api/user/bob/followers"]);

  const upd = await engine.postActivity("alice", { verb: "update", object: { objectType: "note", id: post.object.id, content: "z" } }, CLIENT);
  assert.deepEqual(ids(upd.to), [engine.personId("bob")]);
  assert.equal(upd.cc, undefined);
  const del = await engine.postActivity("alice", { verb: "delete", object: { objectType: "note", id: post.object.id } }, CLIENT);
  assert.deepEqual(ids(del.to), [engine.personId("bob")]);
});
