/**
 * An anonymous reader's page of a feed is remembered under the stream's
 * version and the activities' generation (lib/activity/public-pages.ts):
 * read again, it does not scan the followers-only items above its public
 * ones; and whatever another worker changes (a new post, a removed item, a
 * post made private, a record gone) is seen on the next read, exactly as a
 * fresh engine sees it. A private post never shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Bank } from "../../lib/databank/bank";
import { createEngine, type Engine } from "../../lib/activity";
import { silentLogger } from "../../lib/log";
import { streamNames } from "../../lib/model/stream";
import { NOBODY, openTestEngine, postNote, register, uuidOf, type TestEngine } from "./support";

const PUBLIC = [{ objectType: "collection", id: "http://activityschema.org/collection/public" }];

/** How many stream slices are read through the bank while `work` runs (a spy on the real bank). */
async function slices(bank: Bank, work: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const own = bank as unknown as Record<string, unknown>;
  own.slice = function (this: Bank, ...args: [string, string, number, number]) {
    n++;
    return Bank.prototype.slice.apply(this, args);
  };
  try {
    await work();
  } finally {
    delete own.slice;
  }
  return n;
}

/** alice posts two public notes, then `hidden` notes to her followers only. */
async function site(hidden: number): Promise<TestEngine> {
  const env = await openTestEngine();
  await register(env.engine, "alice");
  await postNote(env.engine, "alice", "public 1", { to: PUBLIC });
  await postNote(env.engine, "alice", "public 2", { to: PUBLIC });
  for (let i = 0; i < hidden; i++) await postNote(env.engine, "alice", `private ${i}`);
  return env;
}

/** Another worker: its own engine (and memory) over the same bank. */
function otherWorker(t: { after(fn: () => unknown): void }, env: TestEngine): Engine {
  const other = createEngine({ bank: env.bank, urls: env.urls, config: { site: "Test Site" }, log: silentLogger(), delivery: "inline" });
  t.after(() => other.queue.close());
  return other;
}

const contents = async (engine: Engine, query: Record<string, string> = {}) =>
  (await engine.streams.feed("alice", "feed", query, NOBODY)).items.map((a: any) => a.object.content);

test("a second anonymous read of a page under 100 followers-only posts reads no stream items", async (t) => {
  const env = await site(100);
  t.after(() => env.close());
  const first = await env.engine.streams.feed("alice", "feed", {}, NOBODY);
  assert.deepEqual(first.items.map((a: any) => a.object.content), ["public 2", "public 1"]);
  let again: any;
  assert.equal(await slices(env.bank, async () => (again = await env.engine.streams.feed("alice", "feed", {}, NOBODY))), 0);
  assert.deepEqual(again, first);
});

test("a remembered page follows what another worker changes: new posts, removed items, privacy, records gone", async (t) => {
  const env = await site(30);
  t.after(() => env.close());
  const other = otherWorker(t, env);
  assert.deepEqual(await contents(env.engine), ["public 2", "public 1"]);
  assert.deepEqual(await contents(env.engine, { count: "1" }), ["public 2"]);

  // A new public post and a new private one, through the other worker.
  await postNote(other, "alice", "public 3", { to: PUBLIC });
  await postNote(other, "alice", "private new");
  assert.deepEqual(await contents(env.engine), ["public 3", "public 2", "public 1"]);
  assert.deepEqual(await contents(env.engine, { count: "1" }), ["public 3"]);

  // The newest public post made private (PUT): gone for anonymous readers.
  const owner = { nickname: "alice", personId: env.engine.personId("alice") };
  const all = (await env.engine.streams.feed("alice", "feed", { count: "100" }, owner)).items;
  const byContent = (c: string) => all.find((a: any) => a.object?.content === c);
  await other.putActivity(uuidOf(byContent("public 3").id), { to: [{ objectType: "person", id: env.engine.personId("alice") }] }, "alice");
  assert.deepEqual(await contents(env.engine), ["public 2", "public 1"]);

  // An item removed from the stream (no activity changes).
  await other.ctx.stream(streamNames.user("alice", "feed")).remove(byContent("public 2").id);
  assert.deepEqual(await contents(env.engine), ["public 1"]);

  // A private post made public: shown.
  await other.putActivity(uuidOf(byContent("private 7").id), { to: PUBLIC }, "alice");
  assert.deepEqual(await contents(env.engine), ["private 7", "public 1"]);
  assert.deepEqual(await contents(env.engine, { count: "1" }), ["private 7"]);

  // An activity record gone with the stream unchanged: the page is read afresh.
  await env.bank.del("activity", byContent("private 7").id);
  assert.deepEqual(await contents(env.engine, { count: "1" }), ["public 1"]);
  assert.deepEqual(await contents(env.engine), ["public 1"]);
  assert.deepEqual(await contents(env.engine), await contents(otherWorker(t, env)));
});

test("the SQLite stream version changes with every write to the stream and only then", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const s = env.engine.ctx.stream("user/x/feed");
  assert.deepEqual(await s.stat(), { count: 0, version: null });
  const seen = new Set<string | null>();
  const step = async (write: () => Promise<unknown>, count: number) => {
    await write();
    const stat = await s.stat();
    assert.equal(stat.count, count);
    assert.equal(typeof stat.version, "string");
    assert.ok(!seen.has(stat.version), "a version is never reused");
    seen.add(stat.version);
    assert.deepEqual(await s.stat(), stat, "reading does not change it");
  };
  await step(() => s.add("a"), 1);
  await step(() => s.add("b"), 2);
  await step(() => env.bank.appendToMany("stream", ["user/x/feed", "user/y/feed"], "c"), 3);
  await step(() => s.remove("a"), 2);
  await step(() => env.bank.prepend("stream", "user/x/feed", "z"), 3);
  await step(() => env.bank.truncate("stream", "user/x/feed", 1), 1);
  // Written whole: no version, so nothing is remembered under it.
  await env.bank.save("stream", "user/x/feed", ["q"]);
  assert.deepEqual(await s.stat(), { count: 1, version: null });
  await step(() => s.add("r"), 2);
  await s.destroy();
  assert.deepEqual(await s.stat(), { count: 0, version: null });
});
