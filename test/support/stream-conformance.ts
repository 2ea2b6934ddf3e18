import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bank } from "../../lib/databank";
import { parsePageArgs } from "../../lib/model/paging";
import { Stream, countStreams } from "../../lib/model/stream";

/** Opens a fresh bank of one driver; `close` disconnects and removes its files. */
export type OpenBank = () => Promise<{ bank: Bank; close(): Promise<void> }>;

/**
 * Our stream conformance suite, run against every driver beside the
 * published databank-test suite: the Stream operations the API pages with
 * (api.md §6 cursors and offsets), on short streams and on one long enough
 * that a driver rewriting or rescanning whole arrays would show wrong
 * answers at the edges (positions, gaps after removal, prepends).
 */
export function streamConformance(driver: string, open: OpenBank, options: { skip?: string | false } = {}): void {
  const it = (name: string, fn: (bank: Bank) => Promise<void>): void => {
    test(`${driver} streams: ${name}`, { skip: options.skip }, async () => {
      const { bank, close } = await open();
      try {
        await fn(bank);
      } finally {
        await close();
      }
    });
  };

  it("a stream never written is empty", async (bank) => {
    const s = new Stream(bank, "never/written");
    assert.equal(await s.count(), 0);
    assert.equal(await s.has("x"), false);
    assert.deepEqual(await s.range(0, 20), []);
    assert.deepEqual((await s.page(parsePageArgs({}))).ids, []);
    assert.deepEqual(await countStreams(bank, ["never/written"]), new Map([["never/written", 0]]));
  });

  it("newest first, with the cursors and offsets of api.md §6", async (bank) => {
    const s = new Stream(bank, "short");
    for (let i = 0; i < 60; i++) await s.add(`id-${i}`);
    const F = Array.from({ length: 60 }, (_, i) => `id-${59 - i}`);
    const page = async (q: Record<string, string>) => (await s.page(parsePageArgs(q))).ids;
    assert.deepEqual(await page({}), F.slice(0, 20));
    assert.deepEqual(await page({ offset: "40", count: "30" }), F.slice(40, 60));
    assert.deepEqual(await page({ before: F[10]! }), F.slice(11, 31));
    assert.deepEqual(await page({ since: F[30]! }), F.slice(10, 30));
    assert.deepEqual(await page({ since: F[3]! }), F.slice(0, 3));
    assert.equal(await s.positionOf(F[59]!), 59);
  });

  it("membership, removal and counts stay right after removals in the middle and at both ends", async (bank) => {
    const s = new Stream(bank, "removals");
    for (let i = 0; i < 30; i++) await s.add(`r-${i}`);
    await s.remove("r-0");
    await s.remove("r-29");
    await s.remove("r-15");
    assert.equal(await s.removeIfPresent("r-15"), false);
    assert.equal(await s.count(), 27);
    assert.equal(await s.has("r-15"), false);
    assert.equal(await s.has("r-16"), true);
    const expected = Array.from({ length: 30 }, (_, i) => `r-${29 - i}`).filter((x) => !["r-0", "r-29", "r-15"].includes(x));
    assert.deepEqual(await s.all(), expected);
    assert.equal(await s.positionOf("r-14"), expected.indexOf("r-14"));
    await s.add("r-30");
    assert.deepEqual(await s.range(0, 2), ["r-30", "r-28"]);
    const counts = await countStreams(bank, ["removals", "removals", "other"]);
    assert.equal(counts.get("removals"), 28);
    assert.equal(counts.get("other"), 0);
  });

  it("duplicates: removal takes the oldest occurrence, as databank's rule", async (bank) => {
    const s = new Stream(bank, "dups");
    for (const id of ["a", "b", "a", "c"]) await s.add(id);
    await s.remove("a");
    assert.deepEqual(await s.all(), ["c", "a", "b"]);
  });

  it("prepend, truncate, item and whole reads through the bank agree with the stream", async (bank) => {
    await bank.append("stream", "mixed", "m-2");
    await bank.prepend("stream", "mixed", "m-1");
    await bank.appendAll("stream", "mixed", ["m-3", "m-4", "m-5"]);
    await bank.prependAll("stream", "mixed", ["m-0"]);
    assert.deepEqual(await bank.read("stream", "mixed"), ["m-0", "m-1", "m-2", "m-3", "m-4", "m-5"]);
    assert.equal(await bank.item("stream", "mixed", 1), "m-1");
    assert.equal(await bank.indexOf("stream", "mixed", "m-4"), 4);
    await bank.truncate("stream", "mixed", 4);
    assert.deepEqual(await new Stream(bank, "mixed").all(), ["m-3", "m-2", "m-1", "m-0"]);
    await bank.save("stream", "mixed", ["x"]);
    assert.equal(await new Stream(bank, "mixed").count(), 1);
    await new Stream(bank, "mixed").destroy();
    assert.equal(await new Stream(bank, "mixed").count(), 0);
  });

  it("a long stream: edges, cursors deep inside, and removal keep exact answers", async (bank) => {
    const N = 20_000;
    const name = "long";
    for (let i = 0; i < N; i += 1000) {
      await bank.appendAll("stream", name, Array.from({ length: 1000 }, (_, k) => `L-${i + k}`));
    }
    const s = new Stream(bank, name);
    const F = (k: number): string => `L-${N - 1 - k}`; // newest-first item k
    assert.equal(await s.count(), N);
    assert.deepEqual(await s.range(0, 3), [F(0), F(1), F(2)]);
    assert.deepEqual(await s.range(N - 2, N + 5), [F(N - 2), F(N - 1)]);
    assert.deepEqual(await s.range(12_345, 12_347), [F(12_345), F(12_346)]);
    assert.deepEqual((await s.page(parsePageArgs({ before: F(15_000), count: "2" }))).ids, [F(15_001), F(15_002)]);
    assert.deepEqual((await s.page(parsePageArgs({ since: F(15_000), count: "2" }))).ids, [F(14_998), F(14_999)]);
    assert.equal(await s.has(F(19_999)), true);
    assert.equal(await s.has("L-missing"), false);
    await s.remove(F(1));
    await s.add("L-new");
    assert.equal(await s.count(), N);
    assert.deepEqual(await s.range(0, 3), ["L-new", F(0), F(2)]);
  });

  // Bank.appendToMany: one activity into many inboxes (the fan-out of issue 9).
  it("appendToMany: the item becomes the newest of every stream, new streams included", async (bank) => {
    for (let i = 0; i < 3; i++) await new Stream(bank, "fan/a").add(`old-${i}`);
    await new Stream(bank, "fan/b").add("old-b");
    const added = await bank.appendToMany("stream", ["fan/a", "fan/b", "fan/new"], "act-1");
    assert.deepEqual([...added].sort(), ["fan/a", "fan/b", "fan/new"]);
    assert.deepEqual(await new Stream(bank, "fan/a").all(), ["act-1", "old-2", "old-1", "old-0"]);
    assert.deepEqual(await new Stream(bank, "fan/b").all(), ["act-1", "old-b"]);
    assert.deepEqual(await new Stream(bank, "fan/new").all(), ["act-1"]);
    assert.equal(await new Stream(bank, "fan/a").positionOf("old-0"), 3);
    // Later appends, single or batched, go after it: positions keep arrival order.
    await new Stream(bank, "fan/a").add("act-2");
    await bank.appendToMany("stream", ["fan/a", "fan/new"], "act-3");
    assert.deepEqual(await new Stream(bank, "fan/a").range(0, 3), ["act-3", "act-2", "act-1"]);
    assert.deepEqual(await new Stream(bank, "fan/new").all(), ["act-3", "act-1"]);
    assert.deepEqual(await bank.read("stream", "fan/new"), ["act-1", "act-3"]);
    const counts = await countStreams(bank, ["fan/a", "fan/b", "fan/new"]);
    assert.deepEqual([...counts.values()], [6, 2, 2]);
  });

  it("appendToMany: a second run (a retried job) adds nothing; a stream that had the item keeps it where it was", async (bank) => {
    await new Stream(bank, "again/x").add("act");
    await new Stream(bank, "again/x").add("later");
    const first = await bank.appendToMany("stream", ["again/x", "again/y", "again/y", "again/z"], "act");
    assert.deepEqual([...first].sort(), ["again/y", "again/z"]);
    assert.deepEqual(await bank.appendToMany("stream", ["again/x", "again/y", "again/z"], "act"), []);
    assert.deepEqual(await new Stream(bank, "again/x").all(), ["later", "act"]);
    assert.deepEqual(await new Stream(bank, "again/y").all(), ["act"]);
    assert.equal(await new Stream(bank, "again/z").count(), 1);
  });

  it("appendToMany: two runs at once still land the item once in each stream", async (bank) => {
    const names = Array.from({ length: 300 }, (_, i) => `race/${i}`);
    const [a, b] = await Promise.all([bank.appendToMany("stream", names, "act"), bank.appendToMany("stream", [...names].reverse(), "act")]);
    assert.equal(a.length + b.length, names.length);
    const counts = await countStreams(bank, names);
    assert.ok([...counts.values()].every((n) => n === 1));
  });

  it("appendToMany: an empty list does nothing", async (bank) => {
    assert.deepEqual(await bank.appendToMany("stream", [], "act"), []);
    assert.equal(await new Stream(bank, "nothing").count(), 0);
  });

  it("appendToMany: 5,000 streams (several chunks) each get the item once", async (bank) => {
    const names = Array.from({ length: 5000 }, (_, i) => `user/f${i}/inbox`);
    for (let i = 0; i < 5000; i += 1000) await new Stream(bank, names[i]!).add("before");
    const added = await bank.appendToMany("stream", names, "big-act");
    assert.equal(added.length, 5000);
    assert.equal(new Set(added).size, 5000);
    assert.deepEqual(await bank.appendToMany("stream", names, "big-act"), []);
    const counts = await countStreams(bank, names);
    for (let i = 0; i < 5000; i++) assert.equal(counts.get(names[i]!), i % 1000 === 0 ? 2 : 1, names[i]);
    assert.deepEqual(await new Stream(bank, names[3000]!).all(), ["big-act", "before"]);
    assert.deepEqual(await new Stream(bank, names[4999]!).all(), ["big-act"]);
    assert.equal(await new Stream(bank, names[2500]!).has("big-act"), true);
  });
}
