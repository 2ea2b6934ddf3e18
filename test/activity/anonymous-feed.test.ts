/**
 * Anonymous feed reads (2-legged, no viewer) do not read again activities
 * whose publicness they know (lib/activity/public-verdicts.ts), and what
 * they knew is dropped when another engine (another worker) changes one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Bank } from "../../lib/databank/bank";
import { createEngine } from "../../lib/activity";
import { silentLogger } from "../../lib/log";
import { NOBODY, openTestEngine, postNote, register, uuidOf, type TestEngine } from "./support";

const PUBLIC = [{ objectType: "collection", id: "http://activityschema.org/collection/public" }];

/** How many activity records are read through the bank while `work` runs (a spy on the real bank). */
async function activityReads(bank: Bank, work: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const own = bank as unknown as Record<string, unknown>;
  own.readAll = function (this: Bank, type: string, ids: string[]) {
    if (type === "activity") n += ids.length;
    return Bank.prototype.readAll.call(this, type, ids);
  };
  own.read = function (this: Bank, type: string, id: string) {
    if (type === "activity") n++;
    return Bank.prototype.read.call(this, type, id);
  };
  try {
    await work();
  } finally {
    delete own.readAll;
    delete own.read;
  }
  return n;
}

/** alice posts one public note, then `hidden` notes to her followers only. */
async function site(hidden: number): Promise<TestEngine> {
  const env = await openTestEngine();
  await register(env.engine, "alice");
  await postNote(env.engine, "alice", "public", { to: PUBLIC });
  for (let i = 0; i < hidden; i++) await postNote(env.engine, "alice", `private ${i}`);
  return env;
}

test("a second anonymous read of a feed does not read its followers-only activities again", async (t) => {
  const reads: number[] = [];
  for (const hidden of [5, 60]) {
    const env = await site(hidden);
    t.after(() => env.close());
    const first = await env.engine.streams.feed("alice", "feed", {}, NOBODY);
    assert.deepEqual(first.items.map((a: any) => a.object.content), ["public"]);
    let again: any;
    reads.push(await activityReads(env.bank, async () => (again = await env.engine.streams.feed("alice", "feed", {}, NOBODY))));
    assert.deepEqual(again, first);
  }
  assert.equal(reads[0], reads[1], `activity records read on the second read: ${reads.join(" vs ")}`);
});

test("what one worker knew is dropped when another makes a followers-only activity public, or deletes a public one", async (t) => {
  const env = await site(3);
  t.after(() => env.close());
  // A second engine over the same bank: another worker with its own memory.
  const other = createEngine({ bank: env.bank, urls: env.urls, config: { site: "Test Site" }, log: silentLogger(), delivery: "inline" });
  t.after(() => other.queue.close());
  const contents = async () => (await env.engine.streams.feed("alice", "feed", {}, NOBODY)).items.map((a: any) => a.object.content);
  assert.deepEqual(await contents(), ["public"]);
  const inbox = await env.engine.streams.inbox("alice", "inbox", { count: "20" }, { nickname: "alice", personId: env.engine.personId("alice") });
  const newest = inbox.items.find((a: any) => a.object?.content === "private 2");
  await other.putActivity(uuidOf(newest.id), { to: PUBLIC }, "alice");
  assert.deepEqual(await contents(), ["private 2", "public"]);
  const pub = inbox.items.find((a: any) => a.object?.content === "public");
  await other.deleteActivity(uuidOf(pub.id), "alice");
  assert.deepEqual(await contents(), ["private 2"]);
});
