import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { NOBODY, openTestEngine, postNote, register, viewer } from "./support";

test("feed collections: shape, links with encoded ids, paging through the engine", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const me = viewer(engine, "alice");
  const url = "http://social.example/api/user/alice/feed/major";
  const posted: string[] = [];
  for (let i = 0; i < 45; i++) posted.unshift((await postNote(engine, "alice", `n${i}`)).id);

  const first = await engine.streams.feed("alice", "feed/major", {}, me);
  assert.equal(first.displayName, "Major activities by alice");
  assert.deepEqual(first.objectTypes, ["activity"]);
  assert.equal(first.url, url);
  assert.equal(first.totalItems, 45);
  assert.equal(first.author.id, engine.personId("alice"));
  assert.deepEqual(first.items.map((a: { id: string }) => a.id), posted.slice(0, 20));
  assert.equal(first.links.first.href, url);
  assert.equal(first.links.self.href, url);
  assert.equal(first.links.prev.href, `${url}?since=${encodeURIComponent(posted[0]!)}`);
  assert.equal(first.links.next.href, `${url}?before=${encodeURIComponent(posted[19]!)}`);
  assert.ok(Array.isArray(first.items[0].object.replies.items), "major feeds carry replies.items");
  assert.equal(first.items[0].object.likes.items, undefined, "likes.items only on liked objects, as in the original");

  const seen: string[] = [];
  let page = first;
  for (;;) {
    seen.push(...page.items.map((a: { id: string }) => a.id));
    if (!page.links.next) break;
    const before = decodeURIComponent(page.links.next.href.split("before=")[1]);
    page = await engine.streams.feed("alice", "feed/major", { before }, me);
  }
  assert.deepEqual(seen, posted);

  const since = await engine.streams.feed("alice", "feed/major", { since: posted[25]! }, me);
  assert.deepEqual(since.items.map((a: { id: string }) => a.id), posted.slice(5, 25));
  const last = await engine.streams.feed("alice", "feed/major", { offset: "40" }, me);
  assert.equal(last.items.length, 5);
  assert.equal(last.links.next, undefined);
  const empty = await engine.streams.feed("alice", "feed/major", { offset: "100" }, me);
  assert.deepEqual(empty.items, []);
  assert.equal(empty.links.prev, undefined);

  await assert.rejects(engine.streams.feed("alice", "feed", { count: "201" }, me), (e: unknown) => e instanceof HttpError && e.status === 400 && e.message === "Count must be between 0 and 200");
  await assert.rejects(engine.streams.feed("alice", "feed", { before: "http://nowhere/x" }, NOBODY), (e: unknown) => e instanceof HttpError && e.status === 400);
});

test("person collections have self/current links and no first", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  await engine.follow("bob", { objectType: "person", id: engine.personId("alice") }, null);
  const c = await engine.streams.followers("alice", { count: "10" }, NOBODY);
  const url = "http://social.example/api/user/alice/followers";
  assert.equal(c.displayName, "Followers for alice");
  assert.deepEqual(c.objectTypes, ["person"]);
  assert.equal(c.links.self.href, `${url}?offset=0&count=10`);
  assert.equal(c.links.current.href, url);
  assert.equal(c.links.first, undefined);
  assert.equal(c.items[0].pump_io, undefined, "no pump_io for an anonymous viewer");
});
