// inTransaction: a transaction's writes are stored all together or not at
// all, on every driver (SQLite and PostgreSQL natively, memory by undo).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AlreadyExistsError, inTransaction, openBank, type Bank } from "../../lib/databank";
import { freshDatabase, skipPostgres } from "../support/postgres";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

type Opener = () => Promise<Bank>;
const drivers: [string, Opener, string | false][] = [
  ["memory", () => openBank({ driver: "memory", params: {}, schema: {} }), false],
  [
    "sqlite",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-tx-"));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      return openBank({ driver: "sqlite", params: { file: path.join(dir, "tx.sqlite3") }, schema: {} });
    },
    false,
  ],
  [
    "postgresql",
    async () => {
      const db = await freshDatabase("tx");
      cleanups.push(db.drop);
      return openBank({ driver: "postgresql", params: { url: db.url }, schema: {} });
    },
    skipPostgres,
  ],
];

for (const [name, open, skip] of drivers) {
  test(`${name}: a transaction stores nothing until it commits, then everything`, { skip }, async (t) => {
    const bank = await open();
    t.after(() => bank.disconnect());
    await bank.appendAll("stream", "s", ["x", "y"]);
    const hooks: string[] = [];
    const value = await inTransaction(bank, async (tx) => {
      await tx.create("thing", "a", { n: 1 });
      await tx.save("thing", "b", { n: 2 });
      await tx.append("stream", "s", "z");
      assert.equal(await tx.incr("counter", "c"), 1);
      assert.equal(await tx.incr("counter", "c"), 2);
      // The transaction reads its own writes; the bank does not see them yet.
      assert.deepEqual(await tx.find("thing", "a"), { n: 1 });
      assert.deepEqual(await tx.readAll("thing", ["a", "b", "none"]), { a: { n: 1 }, b: { n: 2 }, none: null });
      await assert.rejects(tx.create("thing", "a", {}), (e) => e instanceof AlreadyExistsError);
      assert.equal(await bank.find("thing", "a"), null);
      assert.equal(await bank.length("stream", "s"), 2);
      tx.afterCommit(() => hooks.push("committed"));
      assert.deepEqual(hooks, []);
      return "done";
    });
    assert.equal(value, "done");
    assert.deepEqual(hooks, ["committed"]);
    assert.deepEqual(await bank.find("thing", "a"), { n: 1 });
    assert.deepEqual(await bank.find("thing", "b"), { n: 2 });
    assert.deepEqual(await bank.slice("stream", "s", 0, 3), ["x", "y", "z"]);
    assert.equal(await bank.read("counter", "c"), 2);
  });

  test(`${name}: work that throws stores none of its writes`, { skip }, async (t) => {
    const bank = await open();
    t.after(() => bank.disconnect());
    await assert.rejects(
      inTransaction(bank, async (tx) => {
        await tx.create("thing", "a", { n: 1 });
        await tx.append("stream", "s", "z");
        tx.afterCommit(() => assert.fail("a failed transaction runs no hook"));
        throw new Error("half-way");
      }),
      /half-way/,
    );
    assert.equal(await bank.find("thing", "a"), null);
    assert.equal(await bank.find("stream", "s"), null);
  });

  test(`${name}: appendToMany inside a transaction is buffered like any other write`, { skip }, async (t) => {
    const bank = await open();
    t.after(() => bank.disconnect());
    await bank.appendAll("stream", "has", ["act"]);
    await assert.rejects(
      inTransaction(bank, async (tx) => {
        // "has" already holds the item: only the two others are added.
        assert.deepEqual(await tx.appendToMany("stream", ["s1", "s2", "has"], "act"), ["s1", "s2"]);
        assert.equal(await bank.find("stream", "s1"), null);
        throw new Error("half-way");
      }),
      /half-way/,
    );
    assert.equal(await bank.find("stream", "s1"), null);
    assert.equal(await bank.find("stream", "s2"), null);
    await inTransaction(bank, async (tx) => {
      await tx.appendToMany("stream", ["s1", "has"], "act");
    });
    assert.deepEqual(await bank.slice("stream", "s1", 0, 5), ["act"]);
    assert.deepEqual(await bank.slice("stream", "has", 0, 5), ["act"]);
  });

  test(`${name}: a write that fails at commit undoes the ones before it`, { skip }, async (t) => {
    const bank = await open();
    t.after(() => bank.disconnect());
    await bank.appendAll("stream", "s", ["x", "y"]);
    await bank.save("thing", "old", { v: "before" });
    await bank.incr("counter", "c");
    await assert.rejects(
      inTransaction(bank, async (tx) => {
        await tx.save("thing", "a", { n: 1 });
        await tx.save("thing", "old", { v: "after" });
        await tx.append("stream", "s", "z");
        await tx.append("stream", "fresh", "z");
        await tx.incr("counter", "c");
        await tx.create("thing", "taken", { mine: true });
        await tx.save("thing", "b", { n: 2 });
        // Another writer takes "taken" between the transaction's check and its commit.
        await bank.create("thing", "taken", { theirs: true });
      }),
      (e) => e instanceof AlreadyExistsError,
    );
    assert.equal(await bank.find("thing", "a"), null);
    assert.equal(await bank.find("thing", "b"), null);
    assert.deepEqual(await bank.find("thing", "old"), { v: "before" });
    assert.deepEqual(await bank.find("thing", "taken"), { theirs: true });
    assert.deepEqual(await bank.slice("stream", "s", 0, 10), ["x", "y"]);
    assert.equal(await bank.find("stream", "fresh"), null);
    assert.equal(await bank.read("counter", "c"), 1);
  });

  test(`${name}: createIfAbsent keeps what another writer stored first, and the rest commits`, { skip }, async (t) => {
    const bank = await open();
    t.after(() => bank.disconnect());
    await inTransaction(bank, async (tx) => {
      assert.equal(await tx.createIfAbsent("thing", "shared", { mine: true }), true);
      await tx.save("thing", "a", { n: 1 });
      await bank.create("thing", "shared", { theirs: true });
    });
    assert.deepEqual(await bank.find("thing", "shared"), { theirs: true });
    assert.deepEqual(await bank.find("thing", "a"), { n: 1 });
    assert.equal(await bank.createIfAbsent("thing", "shared", { again: true }), false);
  });
}
