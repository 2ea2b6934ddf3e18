// What a transaction reads from the store: each record at most once (its
// own writes win over what it read), what the caller hands it not at all,
// and nothing before creating an id the caller has just minted.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AlreadyExistsError, inTransaction, openBank, type Bank } from "../../lib/databank";

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

const drivers: [string, () => Promise<Bank>][] = [
  ["memory", () => openBank({ driver: "memory", params: {}, schema: {} })],
  [
    "sqlite",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-txr-"));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return openBank({ driver: "sqlite", params: { file: path.join(dir, "tx.sqlite3") }, schema: {} });
    },
  ],
];

/** Counts the calls of `methods` on this bank (the store side of a transaction). */
function spy(bank: Bank, methods: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const own = bank as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of methods) {
    const orig = own[m]!.bind(bank);
    own[m] = (...args: unknown[]) => {
      counts.set(m, (counts.get(m) ?? 0) + 1);
      return orig(...args);
    };
  }
  return counts;
}

for (const [name, open] of drivers) {
  test(`${name}: a record is read once per transaction, each read a copy, and the transaction's own writes win`, async () => {
    const bank = await open();
    await bank.create("thing", "a", { n: 1, tags: ["x"] });
    await bank.create("thing", "b", { n: 2 });
    const reads = spy(bank, ["find", "readAll"]);
    await inTransaction(bank, async (tx) => {
      const first = await tx.find("thing", "a");
      first.tags.push("changed by the caller");
      assert.deepEqual(await tx.find("thing", "a"), { n: 1, tags: ["x"] });
      assert.deepEqual(await tx.read("thing", "a"), { n: 1, tags: ["x"] });
      assert.deepEqual(await tx.readAll("thing", ["a", "b"]), { a: { n: 1, tags: ["x"] }, b: { n: 2 } });
      assert.deepEqual(await tx.readAll("thing", ["b"]), { b: { n: 2 } });
      assert.equal(await tx.find("thing", "missing"), null);
      assert.equal(await tx.find("thing", "missing"), null);
      await tx.save("thing", "a", { n: 3 });
      assert.deepEqual(await tx.find("thing", "a"), { n: 3 }, "not the value read before the write");
      assert.deepEqual(await tx.readAll("thing", ["a"]), { a: { n: 3 } });
      await tx.del("thing", "b");
      assert.equal(await tx.find("thing", "b"), null);
    });
    assert.equal(reads.get("find"), 2, "a and missing, once each");
    assert.equal(reads.get("readAll"), 1, "b only: a was read already");
    assert.deepEqual(await bank.find("thing", "a"), { n: 3 });
    await bank.disconnect();
  });

  test(`${name}: a big batched read is not kept (a fan-out's thousands of records), a small one is`, async () => {
    const bank = await open();
    const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);
    for (const id of ids) await bank.create("person", id, { id });
    const reads = spy(bank, ["find", "readAll"]);
    await inTransaction(bank, async (tx) => {
      await tx.readAll("person", ids);
      await tx.readAll("person", ids);
      await tx.readAll("person", ["p1", "p2"]);
      assert.deepEqual(await tx.find("person", "p1"), { id: "p1" });
    });
    assert.equal(reads.get("readAll"), 3);
    assert.equal(reads.get("find") ?? 0, 0);
    await bank.disconnect();
  });

  test(`${name}: a remembered record is not read; known() gives what the transaction wrote and read`, async () => {
    const bank = await open();
    await bank.create("thing", "a", { n: 1 });
    const reads = spy(bank, ["find", "readAll"]);
    let known = new Map<string, unknown>();
    await inTransaction(bank, async (tx) => {
      tx.remember("thing", "a", { n: 1 });
      assert.deepEqual(await tx.find("thing", "a"), { n: 1 });
      await tx.createIfAbsent("thing", "a", { n: 9 });
      await tx.createFresh("thing", "c", { n: 3 });
      tx.afterCommit(() => {
        known = tx.known("thing");
      });
    });
    assert.equal(reads.get("find") ?? 0, 0);
    assert.deepEqual([...known].sort(), [["a", { n: 1 }], ["c", { n: 3 }]]);
    await bank.disconnect();
  });

  test(`${name}: createFresh reads nothing first; a taken id still fails, at the commit, storing nothing`, async () => {
    const bank = await open();
    await bank.create("thing", "taken", { n: 0 });
    const reads = spy(bank, ["find", "readAll", "indexOf"]);
    await inTransaction(bank, async (tx) => {
      await tx.createFresh("thing", "new", { n: 1 });
      await assert.rejects(tx.createFresh("thing", "new", { n: 2 }), AlreadyExistsError);
      // An id minted in this transaction is in no stored stream: appending it checks no membership.
      assert.deepEqual(await tx.appendToMany("stream", ["s1", "s2"], "new"), ["s1", "s2"]);
    });
    assert.equal(reads.get("find") ?? 0, 0);
    assert.equal(reads.get("indexOf") ?? 0, 0);
    assert.deepEqual(await bank.slice("stream", "s1", 0, 10), ["new"]);
    await assert.rejects(
      inTransaction(bank, async (tx) => {
        await tx.create("thing", "other", { n: 2 });
        await tx.createFresh("thing", "taken", { n: 1 });
      }),
      AlreadyExistsError,
    );
    assert.equal(await bank.find("thing", "other"), null);
    assert.deepEqual(await bank.find("thing", "taken"), { n: 0 });
    await bank.disconnect();
  });
}
