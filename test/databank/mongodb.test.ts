// The MongoDB driver against a real server: the databank-test conformance
// suite, and interoperability with databank-mongodb's layout (documents it
// wrote, as produced by its own code in databank-mongodb-oracle.ts, are
// inserted raw and served by us; what we write is read by its code).
// Runs only when PUMPIO_TEST_MONGODB_URL names a server; otherwise skipped.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { MongoClient, type Document } from "mongodb";
import { NoSuchThingError, WrongTypeError, type Schema } from "databank";
import { conformanceTest } from "../support/databank-conformance";
import { MongoDatabank } from "../../lib/databank/mongodb";
import { legacyRead, legacyWrite } from "./databank-mongodb-oracle";

const URL = process.env.PUMPIO_TEST_MONGODB_URL;
const skip = URL ? false : "PUMPIO_TEST_MONGODB_URL not set: MongoDB tests skipped";
const unique = `${process.pid}_${Date.now().toString(36)}`;
const SUITE_DB = `pumpio_test_suite_${unique}`;
const INTEROP_DB = `pumpio_test_interop_${unique}`;

conformanceTest("mongodb", () => ({ url: URL, dbname: SUITE_DB }), { skip });

const schema: Schema = {
  user: { pkey: "nickname" },
  activity: { pkey: "id", indices: ["actor.id", "object.id"] },
  task: { pkey: "number" },
};

let raw: MongoClient | null = null;
const banks: MongoDatabank[] = [];

/** A direct client, to put documents in and look at them as stored. */
async function rawDb(): Promise<ReturnType<MongoClient["db"]>> {
  raw ??= await new MongoClient(URL!).connect();
  return raw.db(INTEROP_DB);
}

/** Calls a callback-style method of `bank` and resolves with its result. */
function call<T = unknown>(bank: MongoDatabank, method: string, ...args: unknown[]): Promise<T> {
  const fn = (bank as unknown as Record<string, (...a: unknown[]) => void>)[method]!;
  return new Promise((resolve, reject) => fn.call(bank, ...args, (err: Error | null, v: T) => (err ? reject(err) : resolve(v))));
}

async function ours(): Promise<MongoDatabank> {
  const bank = new MongoDatabank({ url: URL, dbname: INTEROP_DB, schema });
  await call(bank, "connect", {});
  banks.push(bank);
  return bank;
}

after(async () => {
  for (const bank of banks) await call(bank, "disconnect").catch(() => undefined);
  if (URL) {
    raw ??= await new MongoClient(URL).connect();
    await raw.db(SUITE_DB).dropDatabase();
    await raw.db(INTEROP_DB).dropDatabase();
  }
  await raw?.close();
});

/** [type, id, value, the value databank reads back] */
const samples: Array<[string, string | number, unknown, unknown]> = [
  ["user", "evan", { nickname: "evan", name: "Evan", "a.b": { $c: [1, { "d.e": true }] } }, null],
  ["user", "maj", { name: "Maj" }, { name: "Maj", nickname: "maj" }],
  ["activity", "urn:uuid:1", { id: "urn:uuid:1", actor: { id: "acct:evan@example.com" }, verb: "post" }, null],
  ["note", "n1", { text: "no schema" }, null],
  ["coffees", "evan", 3, null],
  ["probability", "rain", 0.3, null],
  ["motto", "evan", "hello.$world", null],
  ["inbox", "evan", ["urn:uuid:1", { id: "x" }, 7], null],
  ["task", 2, { number: 2, complete: false }, null],
];
const expectedValue = (s: (typeof samples)[number]): unknown => s[3] ?? s[2];

test("documents written by databank-mongodb are served unchanged", { skip }, async () => {
  const db = await rawDb();
  for (const [type, id, value] of samples) {
    await db.collection(type).insertOne((await legacyWrite(schema, type, id, value)) as Document);
  }
  const bank = await ours();
  for (const s of samples) {
    assert.deepEqual(await call(bank, "read", s[0], s[1]), expectedValue(s), `${s[0]} ${s[1]}`);
  }
  const found: unknown[] = [];
  await call(bank, "search", "activity", { "actor.id": "acct:evan@example.com" }, (v: unknown) => found.push(v));
  assert.deepEqual(found, [samples[2]![2]]);
  const byKey: unknown[] = [];
  await call(bank, "search", "user", { nickname: "maj" }, (v: unknown) => byKey.push(v));
  assert.deepEqual(byKey, [{ name: "Maj", nickname: "maj" }]);
  assert.deepEqual(await call(bank, "readAll", "task", [2, "nope"]), { 2: { number: 2, complete: false }, nope: null });
  for (const [type, id] of samples) await db.collection(type).deleteOne({ _id: id } as Document);
});

test("what we write is what databank-mongodb writes, and its code reads it back", { skip }, async () => {
  const db = await rawDb();
  const bank = await ours();
  for (const s of samples) {
    const [type, id, value] = s;
    await call(bank, "create", type, id, value);
    const stored = await db.collection(type).findOne({ _id: id } as Document);
    assert.ok(stored, `${type} ${id} stored`);
    if (Array.isArray(value)) {
      // Arrays are item collections now (mongodb-items.ts), as in the SQL drivers: not databank-mongodb's layout.
      assert.deepEqual(stored, { _id: id, _s: true, _v: null, _a: value.length, _hi: value.length, _lo: 0 });
      const rows = await db.collection(`${type}__items`).find({ k: id }).sort({ p: 1 }).toArray();
      assert.deepEqual(rows.map((r) => JSON.parse(r.t as string)), value);
      assert.deepEqual(await call(bank, "read", type, id), value);
      await call(bank, "del", type, id);
      assert.equal(await db.collection(`${type}__items`).countDocuments({ k: id }), 0, "del removes the items");
      continue;
    }
    assert.deepEqual(stored, await legacyWrite(schema, type, id, value), `${type} ${id} layout`);
    const theirs = (await legacyRead(schema, type, stored)) as Record<string, unknown>;
    if (type === "note") delete theirs._id; // databank-mongodb leaves _id in schemaless objects
    assert.deepEqual(theirs, expectedValue(s), `${type} ${id} read by databank-mongodb`);
    await call(bank, "del", type, id);
  }
});

test("lists databank-mongodb wrote become item collections on their first write; counters keep their layout", { skip }, async () => {
  const db = await rawDb();
  await db.collection("inbox").insertOne((await legacyWrite(schema, "inbox", "legacy", [1, 2, 1, 3])) as Document);
  await db.collection("coffees").insertOne((await legacyWrite(schema, "coffees", "legacy", 3)) as Document);
  const bank = await ours();
  await call(bank, "append", "inbox", "legacy", 4);
  await call(bank, "prepend", "inbox", "legacy", 0);
  await call(bank, "remove", "inbox", "legacy", 1); // the first 1 only, as databank's removeAll
  assert.deepEqual(await call(bank, "read", "inbox", "legacy"), [0, 2, 1, 3, 4]);
  assert.equal(await call(bank, "item", "inbox", "legacy", 1), 2);
  assert.deepEqual(await call(bank, "slice", "inbox", "legacy", 1, 3), [2, 1]);
  assert.deepEqual(await call(bank, "slice", "inbox", "legacy", 2, 2), []);
  assert.deepEqual(await call(bank, "slice", "inbox", "legacy", -2, 5), [3, 4]);
  assert.equal(await call(bank, "indexOf", "inbox", "legacy", 3), 3);
  assert.equal(await call(bank, "indexOf", "inbox", "legacy", 9), -1);
  assert.equal(await call(bank, "length", "inbox", "legacy"), 5);
  await call(bank, "truncate", "inbox", "legacy", 2);
  const stored = await db.collection("inbox").findOne({ _id: "legacy" } as Document);
  assert.deepEqual({ ...stored, _hi: undefined, _lo: undefined }, { _id: "legacy", _s: true, _v: null, _a: 2, _hi: undefined, _lo: undefined });
  assert.deepEqual(await call(bank, "read", "inbox", "legacy"), [0, 2]);
  assert.equal(await db.collection("inbox__items").countDocuments({ k: "legacy" }), 2);
  assert.equal(await call(bank, "incrBy", "coffees", "legacy", 2), 5);
  assert.equal(await call(bank, "decr", "coffees", "legacy"), 4);
  assert.deepEqual(await db.collection("coffees").findOne({ _id: "legacy" } as Document), { _id: "legacy", _s: true, _v: 4 });
});

test("counters and lists are atomic under concurrent use", { skip }, async () => {
  const [a, b] = [await ours(), await ours()];
  const n = 40;
  await Promise.all(Array.from({ length: n }, (_, i) => call(i % 2 ? a : b, "incr", "hits", "page")));
  assert.equal(await call(a, "read", "hits", "page"), n);
  await Promise.all(Array.from({ length: n }, (_, i) => call(i % 2 ? a : b, "append", "feed", "all", i)));
  const list = (await call<number[]>(a, "read", "feed", "all")).slice().sort((x, y) => x - y);
  assert.deepEqual(list, Array.from({ length: n }, (_, i) => i));
});

test("wrong shapes and missing things give databank's errors, and change nothing", { skip }, async () => {
  const db = await rawDb();
  const bank = await ours();
  await call(bank, "create", "user", "shape", { name: "Shape" });
  await assert.rejects(call(bank, "incrBy", "user", "shape", 1), WrongTypeError);
  await assert.rejects(call(bank, "append", "user", "shape", 1), WrongTypeError);
  await assert.rejects(call(bank, "length", "user", "shape"), WrongTypeError);
  await assert.rejects(call(bank, "remove", "user", "shape", 1), WrongTypeError);
  assert.deepEqual(await db.collection("user").findOne({ _id: "shape" } as Document), { _id: "shape", name: "Shape" });
  await call(bank, "create", "coffees", "shape", 1);
  await assert.rejects(call(bank, "append", "coffees", "shape", 1), WrongTypeError);
  await call(bank, "create", "inbox", "shape", [1]);
  await assert.rejects(call(bank, "incr", "inbox", "shape"), WrongTypeError);
  await assert.rejects(call(bank, "remove", "inbox", "absent", 1), NoSuchThingError);
  await assert.rejects(call(bank, "truncate", "inbox", "absent", 1), NoSuchThingError);
  await assert.rejects(call(bank, "slice", "inbox", "absent", 0, 1), NoSuchThingError);
});

test("connect creates the schema's indexes with databank-mongodb's names, and reconnecting keeps them", { skip }, async () => {
  await ours();
  await ours();
  const names = (await (await rawDb()).collection("activity").listIndexes().toArray()).map((i) => i.name as string);
  assert.deepEqual(names.sort(), ["_id_", "actor.id_1", "object.id_1"]);
});
