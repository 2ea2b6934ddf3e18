// The PostgreSQL driver against a real server (PUMPIO_TEST_POSTGRES_URL,
// started by .ci/run): the published databank-test suite, our stream suite,
// and atomicity across connections (what several machines share).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { inTransaction, openBank, type Bank } from "../../lib/databank";
import type { BatchOp, BatchingDriver } from "../../lib/databank/batch";
import { conformanceTest } from "../support/databank-conformance";
import { streamConformance } from "../support/stream-conformance";
import { freshDatabase, skipPostgres } from "../support/postgres";
import { Stream } from "../../lib/model/stream";

const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop().catch(() => undefined);
});

async function database(tag: string): Promise<string> {
  const db = await freshDatabase(tag);
  drops.push(db.drop);
  return db.url;
}

async function open(url: string, schema = {}): Promise<Bank> {
  return openBank({ driver: "postgresql", params: { url }, schema });
}

conformanceTest("postgresql", async () => ({ url: await database("suite") }), { skip: skipPostgres });

streamConformance(
  "postgresql",
  async () => {
    const url = await database("streams");
    const bank = await open(url);
    return { bank, close: () => bank.disconnect() };
  },
  { skip: skipPostgres },
);

test("postgresql: increments and appends from many connections at once are all kept", { skip: skipPostgres }, async () => {
  const url = await database("atomic");
  const banks = await Promise.all([1, 2, 3, 4].map(() => open(url)));
  try {
    const work: Promise<unknown>[] = [];
    banks.forEach((bank, b) => {
      for (let i = 0; i < 25; i++) {
        work.push(bank.incr("counter", "hits"));
        work.push(bank.append("stream", "shared", `b${b}-${i}`));
      }
    });
    await Promise.all(work);
    assert.equal(await banks[0]!.read("counter", "hits"), 100);
    const s = new Stream(banks[1]!, "shared");
    assert.equal(await s.count(), 100);
    assert.equal(new Set(await s.all()).size, 100);
  } finally {
    await Promise.all(banks.map((b) => b.disconnect()));
  }
});

test("postgresql: searches narrow by schema indices and keep databank's matching rule", { skip: skipPostgres }, async () => {
  const url = await database("search");
  const schema = { song: { pkey: "id", indices: ["artist", "meta.label"] } };
  const bank = await open(url, schema);
  try {
    await bank.create("song", "1", { id: "1", artist: "A", meta: { label: "x" } });
    await bank.create("song", "2", { id: "2", artist: "B", meta: { label: "x" } });
    await bank.create("song", "3", { id: "3", artist: "A", meta: { label: "y" } });
    const found = await bank.search<{ id: string }>("song", { artist: "A", "meta.label": "y" });
    assert.deepEqual(found.map((s) => s.id), ["3"]);
    assert.deepEqual((await bank.search<{ id: string }>("song", { "meta.label": "x" })).map((s) => s.id).sort(), ["1", "2"]);
  } finally {
    await bank.disconnect();
  }
});

test("postgresql: appendToMany into a value that is not an array is WrongType, and no array of the call gets the item", { skip: skipPostgres }, async () => {
  const url = await database("fanwrong");
  const bank = await open(url);
  try {
    await new Stream(bank, "fan/ok").add("old");
    await bank.create("stream", "fan/record", { not: "an array" });
    await assert.rejects(bank.appendToMany("stream", ["fan/ok", "fan/record", "fan/new"], "act"), (err: Error) => err.name === "WrongTypeError");
    assert.deepEqual(await new Stream(bank, "fan/ok").all(), ["old"]);
    assert.equal(await new Stream(bank, "fan/new").count(), 0);
    assert.deepEqual(await bank.read("stream", "fan/record"), { not: "an array" });
  } finally {
    await bank.disconnect();
  }
});

test("postgresql: a lazy appendToMany (a delivery job's) is read at once and leaves the pooled connections committing synchronously", { skip: skipPostgres }, async () => {
  const url = await database("fanlazy");
  const bank = await open(url);
  try {
    const names = Array.from({ length: 600 }, (_, i) => `user/f${i}/inbox`);
    assert.equal((await bank.appendToMany("stream", names, "act", { lazy: true })).length, 600);
    assert.deepEqual(await new Stream(bank, names[599]!).all(), ["act"]);
    assert.deepEqual(await bank.appendToMany("stream", names, "act", { lazy: true }), []);
    // The setting is the transaction's own: every connection of the pool, asked at once, still commits synchronously.
    const raw = bank.raw as unknown as { query(sql: string): Promise<{ synchronous_commit: string }[]> };
    const settings = await Promise.all(Array.from({ length: 10 }, () => raw.query("SELECT current_setting('synchronous_commit') AS synchronous_commit, pg_sleep(0.05)")));
    assert.deepEqual(new Set(settings.map((rows) => rows[0]!.synchronous_commit)), new Set(["on"]));
  } finally {
    await bank.disconnect();
  }
});

test("postgresql: a transaction of a POST's kinds of writes (one round trip) stores values and items exactly as written", { skip: skipPostgres }, async () => {
  const url = await database("batchone");
  const bank = await open(url);
  try {
    await bank.create("thing", "old", { gone: true });
    await bank.create("thing", "kept", { v: 1 });
    const odd = { z: 1, a: "quote \" back\\slash \u00e9 \ud83d\ude00 \u0000", n: 1e21, f: 0.1 + 0.2, nested: { b: [2, 1], a: null } };
    await inTransaction(bank, async (tx) => {
      await tx.create("thing", "odd", odd);
      await tx.createIfAbsent("thing", "kept", { v: 2 });
      await tx.save("thing", "saved", "a string");
      await tx.update("thing", "kept", { v: 3 });
      await tx.del("thing", "old");
      await tx.appendAll("stream", "s", ["x", { k: "\"y\"" }, 3]);
      await tx.append("stream", "s", "x");
    });
    assert.equal(JSON.stringify(await bank.read("thing", "odd")), JSON.stringify(odd));
    assert.deepEqual(await bank.read("thing", "kept"), { v: 3 });
    assert.equal(await bank.read("thing", "saved"), "a string");
    assert.equal(await bank.find("thing", "old"), null);
    assert.deepEqual(await bank.read("stream", "s"), ["x", { k: "\"y\"" }, 3, "x"]);
    assert.equal(await new Stream(bank, "s").count(), 4);
  } finally {
    await bank.disconnect();
  }
});

test("postgresql: a one-round-trip transaction that fails stores nothing and fails with databank's error", { skip: skipPostgres }, async () => {
  const url = await database("batchfail");
  const bank = await open(url);
  try {
    await bank.create("thing", "taken", { v: 1 });
    await new Stream(bank, "s").add("before");
    // Straight to the driver's batch, as a transaction's commit calls it: each last op fails at the server.
    const batch = (ops: BatchOp[]): Promise<void> =>
      new Promise((resolve, reject) => (bank.raw as unknown as BatchingDriver).batch(ops, (err) => (err ? reject(err) : resolve())));
    const first: BatchOp[] = [{ op: "save", type: "x", id: "x", value: 1 }, { op: "appendAll", type: "stream", id: "s", items: ["after"] }];
    const cases: [string, BatchOp][] = [
      ["AlreadyExistsError", { op: "create", type: "thing", id: "taken", value: { v: 2 } }],
      ["NoSuchThingError", { op: "update", type: "thing", id: "missing", value: {} }],
      ["NoSuchThingError", { op: "del", type: "thing", id: "missing" }],
      ["WrongTypeError", { op: "appendAll", type: "thing", id: "taken", items: ["y"] }],
    ];
    for (const [name, last] of cases) {
      await assert.rejects(batch([...first, last]), (err: Error) => err.name === name, name);
      assert.equal(await bank.find("x", "x"), null, name);
      assert.deepEqual(await bank.read("thing", "taken"), { v: 1 }, name);
      assert.deepEqual(await new Stream(bank, "s").all(), ["before"], name);
    }
  } finally {
    await bank.disconnect();
  }
});
