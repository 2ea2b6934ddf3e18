// The MongoDB document layout, checked without a server: against fixture
// documents written by hand from databank-mongodb's source
// (node_modules/databank-mongodb/lib/mongodb.js, v1.0.1), and against that
// driver's own code run on a recording stub (databank-mongodb-oracle.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Schema } from "databank";
import {
  ENCODED_DOLLAR,
  ENCODED_DOT,
  criteriaToFilter,
  docToValue,
  indexSpecs,
  primaryKey,
  valueToDoc,
} from "../../lib/databank/mongodb-layout";
import { pushUpdate, removeFirstPipeline, sliceProjection, truncateUpdate, wrappedFilter } from "../../lib/databank/mongodb-arrays";
import { legacyIndexes, legacyRead, legacySearchFilter, legacyWrite } from "./databank-mongodb-oracle";

const schema: Schema = {
  user: { pkey: "nickname" },
  activity: { pkey: "id", indices: ["actor.id", "object.id"] },
  person: { pkey: "username", fields: ["name"], indices: ["name.last"] },
};

test("the key markers are U+00FF followed by two ASCII characters, as databank-mongodb's \\xff0e / \\xff04 escapes", () => {
  assert.equal(ENCODED_DOT, "ÿ0e");
  assert.equal(ENCODED_DOLLAR, "ÿ04");
});

test("an object is stored as its fields plus _id, without its pkey field, with '.' and '$' in keys encoded", () => {
  const value = { nickname: "evan", published: "2012-01-01T00:00:00Z", "a.b": 1, nested: { $ref: "x", list: [{ "k.y": 2 }] } };
  // valueToRec: JSON copy, rec._id = id, delete rec[pkey], encodeKeys(rec)
  // (mongodb.js, valueToRec, ~line 140); arrays inside objects are walked too.
  const expected = {
    published: "2012-01-01T00:00:00Z",
    "aÿ0eb": 1,
    nested: { "ÿ04ref": "x", list: [{ "kÿ0ey": 2 }] },
    _id: "evan",
  };
  assert.deepEqual(valueToDoc(schema, "user", "evan", value), expected);
  assert.equal(value.nickname, "evan", "the caller's value is not modified");
});

test("only the first '.' and the first '$' of a key are encoded, as String#replace does in encodeKeys", () => {
  const doc = valueToDoc(schema, "user", "evan", { "a.b.c": 1, "$a$b": 2 });
  assert.deepEqual(doc, { "aÿ0eb.c": 1, "ÿ04a$b": 2, _id: "evan" });
  assert.deepEqual(docToValue(schema, "user", doc), { "a.b.c": 1, "$a$b": 2, nickname: "evan" });
});

test("a type without schema keeps its fields; _id is the key", () => {
  assert.deepEqual(valueToDoc(schema, "note", "n1", { text: "hi" }), { text: "hi", _id: "n1" });
  assert.equal(primaryKey(schema, "note"), "_id");
  assert.equal(primaryKey({ odd: {} as Schema[string] }, "odd"), "_id", "a schema entry without pkey");
});

test("a number, a string, a boolean and null are wrapped as {_s: true, _id, _v}", () => {
  // valueToRec's else-branch: rec = {_s: true, _id: id}; rec._v = value.
  assert.deepEqual(valueToDoc(schema, "coffees", "evan", 3), { _s: true, _id: "evan", _v: 3 });
  assert.deepEqual(valueToDoc(schema, "probability", "rain", 0.3), { _s: true, _id: "rain", _v: 0.3 });
  assert.deepEqual(valueToDoc(schema, "motto", "evan", "a.b $c"), { _s: true, _id: "evan", _v: "a.b $c" });
  assert.deepEqual(valueToDoc(schema, "flag", "on", false), { _s: true, _id: "on", _v: false });
  assert.deepEqual(valueToDoc(schema, "nothing", "x", null), { _s: true, _id: "x", _v: null });
});

test("an array is wrapped in _v and its items' keys are not encoded", () => {
  const doc = valueToDoc(schema, "inbox", "evan", ["a", 2, { "k.y": 1 }]);
  assert.deepEqual(doc, { _s: true, _id: "evan", _v: ["a", 2, { "k.y": 1 }] });
});

test("values go through JSON: Dates become strings, undefined properties vanish", () => {
  const when = new Date("2013-05-06T07:08:09.000Z");
  assert.deepEqual(valueToDoc(schema, "stamp", "s", when), { _s: true, _id: "s", _v: "2013-05-06T07:08:09.000Z" });
  assert.deepEqual(valueToDoc(schema, "user", "evan", { a: undefined, b: when }), { b: "2013-05-06T07:08:09.000Z", _id: "evan" });
});

test("numeric ids are stored as numbers, as databank-test's readAll suite passes them", () => {
  assert.deepEqual(valueToDoc({ task: { pkey: "number" } }, "task", 2, { number: 2, complete: false }), { complete: false, _id: 2 });
});

test("a document databank-mongodb wrote for an object reads back with its pkey restored from _id", () => {
  // As valueToRec left it: no pkey field, key in _id, encoded keys.
  const stored = { _id: "evan", published: "2012", "aÿ0eb": 1, nested: { "ÿ04ref": "x" } };
  // recToValue: JSON copy, decodeKeys, value[pkey] = rec._id, delete value._id.
  assert.deepEqual(docToValue(schema, "user", stored), { published: "2012", "a.b": 1, nested: { $ref: "x" }, nickname: "evan" });
});

test("the pkey is set on read even when the written value lacked it", () => {
  assert.deepEqual(docToValue(schema, "user", { _id: "evan", name: "Evan" }), { name: "Evan", nickname: "evan" });
});

test("a schemaless document reads back without _id (our one read-side difference)", () => {
  assert.deepEqual(docToValue(schema, "note", { _id: "n1", text: "hi" }), { text: "hi" });
});

test("wrapped documents read back as their _v, whatever their type", () => {
  assert.equal(docToValue(schema, "coffees", { _s: true, _id: "evan", _v: 5 }), 5);
  assert.equal(docToValue(schema, "motto", { _s: true, _id: "evan", _v: "hi" }), "hi");
  assert.deepEqual(docToValue(schema, "inbox", { _s: true, _id: "evan", _v: [1, "a", { b: 2 }] }), [1, "a", { b: 2 }]);
  // What databank-mongodb's incrBy/appendAll upserts leave ($inc/$push + $set: {_s: true}).
  assert.deepEqual(docToValue(schema, "inbox", { _id: "new", _v: ["x"], _s: true }), ["x"]);
});

const samples: Array<[string, unknown, unknown]> = [
  ["user", "evan", { nickname: "evan", name: "Evan", "dots.in.key": { "$dollar": [1, { "x.y": true }] } }],
  ["user", "maj", { name: "Maj" }],
  ["activity", "urn:uuid:1", { id: "urn:uuid:1", actor: { id: "acct:evan@example.com" }, verb: "post" }],
  ["note", "n1", { text: "no schema" }],
  ["coffees", "evan", 3],
  ["probability", "rain", 0.3],
  ["motto", "evan", "hello.$world"],
  ["flag", "on", true],
  ["inbox", "evan", ["urn:uuid:1", { id: "x" }, 7]],
  ["inbox", "empty", []],
  ["task", 2, { number: 2, complete: false }],
];

test("we write exactly the document databank-mongodb's create() inserts", async () => {
  const s = { ...schema, task: { pkey: "number" } };
  for (const [type, id, value] of samples) {
    assert.deepEqual(valueToDoc(s, type, id as string, value), await legacyWrite(s, type, id, value), `${type} ${String(id)}`);
  }
});

test("databank-mongodb's read() and ours agree on every document it writes", async () => {
  const s = { ...schema, task: { pkey: "number" } };
  for (const [type, id, value] of samples) {
    const stored = await legacyWrite(s, type, id, value);
    const theirs = await legacyRead(s, type, stored);
    const ours = docToValue(s, type, stored);
    if (primaryKey(s, type) === "_id" && typeof theirs === "object" && theirs !== null && !Array.isArray(theirs)) {
      // The documented difference: databank-mongodb leaves _id in schemaless objects.
      assert.deepEqual(ours, Object.fromEntries(Object.entries(theirs).filter(([k]) => k !== "_id")), `${type} ${String(id)}`);
      assert.equal((theirs as { _id?: unknown })._id, id, "databank-mongodb does leave _id in");
    } else {
      assert.deepEqual(ours, theirs, `${type} ${String(id)}`);
    }
  }
});

test("values round-trip: read(write(v)) is v, with the pkey field set to the key", () => {
  assert.deepEqual(docToValue(schema, "user", valueToDoc(schema, "user", "evan", { name: "E", "a.b": { "$c": 1 } })), {
    name: "E",
    "a.b": { "$c": 1 },
    nickname: "evan",
  });
  assert.deepEqual(docToValue(schema, "inbox", valueToDoc(schema, "inbox", "evan", [1, 2, 3])), [1, 2, 3]);
});

test("search criteria: the pkey becomes _id, dotted paths stay, every value is an exact $eq", () => {
  const criteria = { id: "urn:uuid:1", "actor.id": "acct:evan@example.com" };
  assert.deepEqual(criteriaToFilter(schema, "activity", criteria), {
    _id: { $eq: "urn:uuid:1" },
    "actor.id": { $eq: "acct:evan@example.com" },
  });
  assert.deepEqual(criteria, { id: "urn:uuid:1", "actor.id": "acct:evan@example.com" }, "the caller's criteria are not modified");
  assert.deepEqual(criteriaToFilter(schema, "note", { _id: "n1" }), { _id: { $eq: "n1" } });
  assert.deepEqual(criteriaToFilter(schema, "user", { email: { $ne: null } }), { email: { $eq: { $ne: null } } }, "operators in values are data");
  assert.throws(() => criteriaToFilter(schema, "user", { $where: "1" }), TypeError);
});

test("search criteria match databank-mongodb's find() filter once $eq is unwrapped", async () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["activity", { id: "urn:uuid:1", "actor.id": "acct:evan@example.com" }],
    ["user", { nickname: "evan" }],
    ["person", { "name.last": "Prodromou" }],
    ["note", { text: "hi" }],
  ];
  for (const [type, criteria] of cases) {
    const ours = criteriaToFilter(schema, type, criteria);
    const unwrapped = Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, (v as { $eq: unknown }).$eq]));
    assert.deepEqual(unwrapped, await legacySearchFilter(schema, type, criteria), type);
  }
});

test("indexes: one ascending single-field index per schema 'indices' entry, none for pkey, default names", () => {
  assert.deepEqual(indexSpecs(schema), [
    { collection: "activity", key: { "actor.id": 1 }, name: "actor.id_1" },
    { collection: "activity", key: { "object.id": 1 }, name: "object.id_1" },
    { collection: "person", key: { "name.last": 1 }, name: "name.last_1" },
  ]);
  assert.deepEqual(indexSpecs(undefined), []);
});

test("indexes are the ones databank-mongodb's checkBankSchema creates", async () => {
  const theirs = await legacyIndexes(schema);
  const ours = indexSpecs(schema).map((s) => ({ collection: s.collection, keys: s.key, options: {} }));
  const order = (a: { collection: string; keys: object }, b: { collection: string; keys: object }): number =>
    `${a.collection} ${Object.keys(a.keys)[0]}`.localeCompare(`${b.collection} ${Object.keys(b.keys)[0]}`);
  assert.deepEqual(ours.sort(order), theirs.sort(order));
});

test("list and counter updates touch only _v of a {_id, _s: true} document, as databank-mongodb's did", () => {
  // appendAll/prependAll/truncate/incrBy in mongodb.js: {_id: id} selector,
  // $push/$inc on "_v", $set {_s: true}. We put _s in the (upsert) filter
  // instead, which stores the same fields, and insist on _v's type.
  assert.deepEqual(wrappedFilter("evan", "array"), { _id: "evan", _s: true, _v: { $type: "array" } });
  assert.deepEqual(pushUpdate(["a", { b: 1 }], false), { $push: { _v: { $each: ["a", { b: 1 }] } } });
  assert.deepEqual(pushUpdate(["a"], true), { $push: { _v: { $each: ["a"], $position: 0 } } });
  assert.deepEqual(truncateUpdate(6), { $push: { _v: { $each: [], $slice: 6 } } });
});

test("removeAll is one pipeline stage per item, each item a $literal", () => {
  const stages = removeFirstPipeline([3, "$x"]);
  assert.equal(stages.length, 2);
  const text = JSON.stringify(stages);
  assert.ok(text.includes('{"$literal":3}') && text.includes('{"$literal":"$x"}'), text);
  assert.ok(stages.every((s) => Object.keys(s).join() === "$set" && Object.keys(s.$set).join() === "_v"));
});

test("slices are fetched with a server-side $slice when the bounds allow it", () => {
  assert.deepEqual(sliceProjection(1, 3), { projection: { _s: 1, _v: { $slice: [1, 2] } }, keep: 2 });
  assert.deepEqual(sliceProjection(2, 2), { projection: { _s: 1, _v: { $slice: [2, 1] } }, keep: 0 }, "empty range still proves existence");
  assert.equal(sliceProjection(-2, 5), null, "negative bounds are sliced in Node");
});
