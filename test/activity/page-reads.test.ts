import { test } from "node:test";
import assert from "node:assert/strict";
import { Bank } from "../../lib/databank/bank";
import { objectFilter } from "../../lib/activity/feeds";
import { follow, openTestEngine, postNote, register, viewer, CLIENT, type TestEngine } from "./support";

/**
 * Counts the storage calls made through the bank while `work` runs. A
 * spy on the real bank (every Bank method), not a stand-in: the reads
 * still go to SQLite.
 */
async function callsDuring(bank: Bank, work: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const names = Object.getOwnPropertyNames(Bank.prototype).filter((n) => n !== "constructor" && typeof (bank as any)[n] === "function");
  const own = bank as unknown as Record<string, unknown>;
  for (const n of names) {
    const orig = (Bank.prototype as any)[n] as (...a: unknown[]) => unknown;
    own[n] = function (this: Bank, ...args: unknown[]) {
      calls++;
      return orig.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const n of names) delete own[n];
  }
  return calls;
}

/** alice posts `n` notes; bob likes and shares each and replies to it; carol follows both. */
async function site(n: number): Promise<TestEngine> {
  const env = await openTestEngine();
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  await follow(engine, "carol", "alice");
  await follow(engine, "carol", "bob");
  for (let i = 0; i < n; i++) {
    const post = await postNote(engine, "alice", `note ${i}`);
    const ref = { objectType: "note", id: post.object.id };
    await engine.favorite("bob", ref, CLIENT);
    await engine.postActivity("bob", { verb: "share", object: ref }, CLIENT);
    await engine.postActivity("bob", { verb: "post", object: { objectType: "comment", content: `re ${i}`, inReplyTo: ref } }, CLIENT);
  }
  return env;
}

test("a page's authors, counts and flags are read in batches: the number of storage calls does not grow with the page", async (t) => {
  const small = await site(2);
  t.after(() => small.close());
  const large = await site(8);
  t.after(() => large.close());
  const pages: [string, (env: TestEngine) => Promise<any>][] = [
    ["outbox as a visitor", (env) => env.engine.streams.feed("alice", "feed", {}, viewer(env.engine, "carol"))],
    ["bob's outbox (likes, shares, replies)", (env) => env.engine.streams.feed("bob", "feed", {}, viewer(env.engine, "carol"))],
    ["carol's inbox (activities by two people)", (env) => env.engine.streams.inbox("carol", "inbox", {}, viewer(env.engine, "carol"))],
  ];
  for (const [name, read] of pages) {
    const counts: number[] = [];
    for (const env of [small, large]) {
      let items = 0;
      counts.push(await callsDuring(env.bank, async () => (items = (await read(env)).items.length)));
      assert.ok(items > 0, name);
    }
    assert.equal(counts[1], counts[0], `${name}: ${counts[0]} storage calls for the small page, ${counts[1]} for the large one`);
  }
});

test("filtering a page of objects for a visitor reads their posts in a batch, not per object", async (t) => {
  const counts: number[] = [];
  for (const n of [2, 8]) {
    const env = await site(n);
    t.after(() => env.close());
    const ctx = env.engine.ctx;
    const ids = await ctx.userStream("bob", "favorites").range(0, 20);
    assert.equal(ids.length, n);
    let kept: boolean[] = [];
    counts.push(await callsDuring(env.bank, async () => (kept = await objectFilter(ctx, env.engine.personId("carol"))(ids))));
    assert.deepEqual(kept, ids.map(() => true), "carol follows alice: she may see alice's notes");
  }
  assert.equal(counts[1], counts[0], `${counts[0]} storage calls for 2 objects, ${counts[1]} for 8`);
});
