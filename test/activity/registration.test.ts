import { test } from "node:test";
import assert from "node:assert/strict";
import { openTestEngine, register, viewer } from "./support";

test("registration leaves exactly the totals of api.md §4", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const me = viewer(engine, "alice");
  const total = async (p: Promise<Record<string, any>>): Promise<number> => (await p).totalItems;

  assert.equal(await total(engine.streams.feed("alice", "feed", {}, me)), 5);
  assert.equal(await total(engine.streams.feed("alice", "feed/major", {}, me)), 0);
  assert.equal(await total(engine.streams.feed("alice", "feed/minor", {}, me)), 5);
  assert.equal(await total(engine.streams.inbox("alice", "inbox", {}, me)), 6);
  assert.equal(await total(engine.streams.inbox("alice", "inbox/major", {}, me)), 1);
  assert.equal(await total(engine.streams.inbox("alice", "inbox/minor", {}, me)), 5);
  assert.equal(await total(engine.streams.inbox("alice", "inbox/direct", {}, me)), 1);
  assert.equal(await total(engine.streams.inbox("alice", "inbox/direct/major", {}, me)), 1);
  assert.equal(await total(engine.streams.lists("alice", "person", {}, me)), 4);

  const lists = await engine.streams.lists("alice", "person", {}, me);
  assert.deepEqual(lists.items.map((l: { displayName: string }) => l.displayName).sort(), ["Acquaintances", "Coworkers", "Family", "Friends"]);
  assert.equal(lists.displayName, "Collections of persons for alice");

  const direct = await engine.streams.inbox("alice", "inbox/direct", {}, me);
  const welcome = direct.items[0];
  assert.equal(welcome.verb, "post");
  assert.equal(welcome.actor.objectType, "service");
  assert.equal(welcome.object.displayName, "Welcome to Test Site");
  assert.equal(welcome.to[0].id, "acct:alice@social.example");

  const feed = await engine.streams.feed("alice", "feed", {}, me);
  const verbs = feed.items.map((a: { verb: string }) => a.verb).sort();
  assert.deepEqual(verbs, ["create", "create", "create", "create", "join"]);
});

test("the profile follows §10 ids and carries feed counts", async (t) => {
  const env = await openTestEngine(4815);
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "bob");
  const profile = await engine.getProfile("bob", viewer(engine, "bob"));
  assert.equal(profile.id, "http://social.example:4815/api/user/bob/profile");
  assert.equal(profile.url, "http://social.example:4815/bob");
  assert.equal(profile.preferredUsername, "bob");
  assert.equal(profile.links["activity-inbox"].href, "http://social.example:4815/api/user/bob/inbox");
  assert.equal(profile.followers.totalItems, 0);
  assert.equal(profile.lists.totalItems, 4);
  assert.equal(profile.pump_io.followed, false);
  assert.equal(profile._nickname, undefined);
});
