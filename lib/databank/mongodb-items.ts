// Arrays (streams) in the MongoDB driver as item collections, the layout
// the SQLite driver (sqlite-arrays.ts) and the PostgreSQL driver use: each
// item is a document {k: id, p: position, t: item as JSON text} of the
// type's items collection `<type>__items`, indexed by (k, p) (unique) and
// (k, t, p); the value's own document {_id, _s: true, _v: null, _a: length,
// _hi, _lo} keeps the length and the next free positions at either end.
// So appending, prepending, counting, membership and reading a page cost
// index descents and O(page) documents whatever the stream's length, and
// the 16 MB document limit no longer caps a stream.
//
// Positions only order the items: append reserves [hi, hi + k) by an
// atomic $inc of `_hi`, prepend [lo - k, lo) by one of `_lo`; removal
// leaves gaps; an item's index is its rank by position. Items are compared
// by their JSON text, as in the SQLite driver.
//
// Without multi-document transactions (a standalone server has none) a
// reader may see an append between its items and its length: the items
// land first, then `_a` moves, so a page is at worst one append behind.
//
// Arrays databank-mongodb wrote ({_s: true, _v: [...]}) read as before, and
// the first array write to one converts it to items once (`adopt`; two
// workers adopting at once insert the same items at the same positions,
// and the unique index keeps one copy).
import type { Collection, Db, Document } from "mongodb";
import { DatabankError, NoSuchItemError, NoSuchThingError, WrongTypeError } from "databank";
import { SCALAR_FLAG, VALUE_FIELD, type DocId } from "./mongodb-layout";

/** Length, and the next free positions above and below the items. */
const LEN = "_a";
const HI = "_hi";
const LO = "_lo";

export interface ArrayColls {
  main: Collection;
  items: Collection;
}

/** The items collection's name for a type. */
export function itemsCollectionName(type: string): string {
  return `${type}__items`;
}

/** Creates the items collection's indexes (idempotent). */
export async function ensureItemIndexes(db: Db, type: string): Promise<void> {
  const items = db.collection(itemsCollectionName(type));
  await items.createIndex({ k: 1, p: 1 }, { name: "k_1_p_1", unique: true });
  await items.createIndex({ k: 1, t: 1, p: 1 }, { name: "k_1_t_1_p_1" });
}

/** True for a value document whose array lives in the items collection. */
export function isItemArray(doc: Document | null | undefined): boolean {
  return Boolean(doc && doc[SCALAR_FLAG] && typeof doc[LEN] === "number");
}

/** The value document of an array of `n` items at positions [0, n). */
export function arrayDoc(id: DocId, n: number): Document {
  return { _id: id, [SCALAR_FLAG]: true, [VALUE_FIELD]: null, [LEN]: n, [HI]: n, [LO]: 0 };
}

const text = (item: unknown): string => JSON.stringify(item ?? null);

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] } | null;
  return e?.code === 11000 || Boolean(e?.writeErrors?.length && e.writeErrors.every((w) => w.code === 11000));
}

/** Inserts items at consecutive positions from `from`; a copy already there (a racing adopt) is kept. */
async function insertAt(items: Collection, id: DocId, from: number, list: unknown[]): Promise<void> {
  if (list.length === 0) return;
  const docs = list.map((item, i) => ({ k: id, p: from + i, t: text(item) }));
  try {
    await items.insertMany(docs, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** Every item in order (whole-array reads: read, readAll, search, scan). */
export async function allItems(c: ArrayColls, id: DocId): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const d of c.items.find({ k: id }, { projection: { t: 1 } }).sort({ p: 1 })) out.push(JSON.parse(d.t as string));
  return out;
}

/** Replaces the items of `id` by `list` (the value document is the caller's). */
export async function replaceItems(c: ArrayColls, id: DocId, list: unknown[]): Promise<void> {
  await c.items.deleteMany({ k: id });
  await insertAt(c.items, id, 0, list);
}

export async function clearItems(c: ArrayColls, id: DocId): Promise<void> {
  await c.items.deleteMany({ k: id });
}

/**
 * The value document of `id` ready for an array write: an empty array is
 * created when there is none, an array databank-mongodb wrote is converted
 * to items, anything else is WrongTypeError.
 */
async function forWrite(c: ArrayColls, type: string, id: DocId): Promise<Document> {
  const doc = await c.main.findOneAndUpdate(
    { _id: id } as Document,
    { $setOnInsert: { [SCALAR_FLAG]: true, [VALUE_FIELD]: null, [LEN]: 0, [HI]: 0, [LO]: 0 } },
    { upsert: true, returnDocument: "after" },
  ).catch(async (err: unknown) => {
    // Two first writes at once: the loser's upsert collides; the winner's document is there now.
    if (!isDuplicateKey(err)) throw err;
    return c.main.findOne({ _id: id } as Document);
  });
  if (isItemArray(doc)) return doc!;
  if (doc && doc[SCALAR_FLAG] && Array.isArray(doc[VALUE_FIELD])) return adopt(c, id, doc[VALUE_FIELD] as unknown[]);
  throw new WrongTypeError(type, String(id), "array");
}

/** Converts an array stored in its document (databank-mongodb's layout) to items. */
async function adopt(c: ArrayColls, id: DocId, list: unknown[]): Promise<Document> {
  await insertAt(c.items, id, 0, list);
  const after = await c.main.findOneAndUpdate(
    { _id: id, [VALUE_FIELD]: { $type: "array" } } as Document,
    { $set: { [VALUE_FIELD]: null, [LEN]: list.length, [HI]: list.length, [LO]: 0 } },
    { returnDocument: "after" },
  );
  // Null: another worker adopted it first; read what it left.
  return after ?? ((await c.main.findOne({ _id: id } as Document)) as Document);
}

/** Reserves `k` positions at one end by an atomic $inc; resolves to the first one. */
async function reserve(c: ArrayColls, id: DocId, k: number, atFront: boolean): Promise<number> {
  const field = atFront ? LO : HI;
  const doc = await c.main.findOneAndUpdate({ _id: id } as Document, { $inc: { [field]: atFront ? -k : k } }, { returnDocument: "after" });
  if (!doc) throw new DatabankError(`array '${String(id)}' vanished during a write`);
  return atFront ? (doc[LO] as number) : (doc[HI] as number) - k;
}

async function addLength(c: ArrayColls, id: DocId, n: number): Promise<void> {
  if (n !== 0) await c.main.updateOne({ _id: id } as Document, { $inc: { [LEN]: n } });
}

/** `appendAll` / `prependAll`: a missing array is created. */
export async function pushAll(c: ArrayColls, type: string, id: DocId, list: unknown[], atFront: boolean): Promise<void> {
  await forWrite(c, type, id);
  if (list.length === 0) return;
  const from = await reserve(c, id, list.length, atFront);
  await insertAt(c.items, id, from, list);
  await addLength(c, id, list.length);
}

/** The value document for a read: NoSuchThing / WrongType as databank says. */
async function forRead(c: ArrayColls, type: string, id: DocId): Promise<{ n: number; legacy: unknown[] | null }> {
  const doc = await c.main.findOne({ _id: id } as Document, { projection: { [SCALAR_FLAG]: 1, [LEN]: 1, [VALUE_FIELD]: 1 } });
  if (!doc) throw new NoSuchThingError(type, String(id));
  if (isItemArray(doc)) return { n: doc[LEN] as number, legacy: null };
  if (doc[SCALAR_FLAG] && Array.isArray(doc[VALUE_FIELD])) return { n: (doc[VALUE_FIELD] as unknown[]).length, legacy: doc[VALUE_FIELD] as unknown[] };
  throw new WrongTypeError(type, String(id), "array");
}

export async function length(c: ArrayColls, type: string, id: DocId): Promise<number> {
  return (await forRead(c, type, id)).n;
}

/** Lengths of many arrays in one query; ids with no value are left out. */
export async function lengths(c: ArrayColls, type: string, ids: DocId[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (ids.length === 0) return out;
  const rows = c.main.aggregate([
    { $match: { _id: { $in: ids } } },
    {
      $project: {
        n: {
          $cond: [
            { $and: [{ $eq: [`$${SCALAR_FLAG}`, true] }, { $isNumber: `$${LEN}` }] },
            `$${LEN}`,
            { $cond: [{ $and: [{ $eq: [`$${SCALAR_FLAG}`, true] }, { $isArray: `$${VALUE_FIELD}` }] }, { $size: `$${VALUE_FIELD}` }, null] },
          ],
        },
      },
    },
  ]);
  for await (const row of rows) {
    if (typeof row.n !== "number") throw new WrongTypeError(type, String(row._id), "array");
    out[String(row._id)] = row.n;
  }
  return out;
}

/** Items [start, end) with Array.prototype.slice's rules, read from the nearer end. */
export async function slice(c: ArrayColls, type: string, id: DocId, start: number, end: number): Promise<unknown[]> {
  const { n, legacy } = await forRead(c, type, id);
  if (legacy) return legacy.slice(start, end);
  const clamp = (x: number, dflt: number): number => {
    const v = x === undefined || Number.isNaN(Number(x)) ? dflt : Math.trunc(Number(x));
    return v < 0 ? Math.max(0, n + v) : Math.min(n, v);
  };
  const from = clamp(start, 0);
  const to = clamp(end, n);
  if (to <= from) return [];
  const count = to - from;
  const nearStart = from <= n - to;
  const cursor = c.items
    .find({ k: id }, { projection: { t: 1 } })
    .sort({ p: nearStart ? 1 : -1 })
    .skip(nearStart ? from : n - to)
    .limit(count);
  const rows = (await cursor.toArray()).map((d) => JSON.parse(d.t as string) as unknown);
  return nearStart ? rows : rows.reverse();
}

export async function item(c: ArrayColls, type: string, id: DocId, index: number): Promise<unknown> {
  const { n } = await forRead(c, type, id);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new NoSuchItemError(type, String(id), index);
  const [found] = await slice(c, type, id, index, index + 1);
  return found;
}

/** Index of the first occurrence of `wanted`, or -1: one index lookup and a count of the positions before it. */
export async function indexOf(c: ArrayColls, type: string, id: DocId, wanted: unknown): Promise<number> {
  const { legacy } = await forRead(c, type, id);
  if (legacy) return legacy.findIndex((x) => text(x) === text(wanted));
  const first = await c.items.findOne({ k: id, t: text(wanted) }, { sort: { p: 1 }, projection: { p: 1 } });
  if (!first) return -1;
  return c.items.countDocuments({ k: id, p: { $lt: first.p } });
}

/** forWrite for an array that must exist already (remove, truncate): NoSuchThingError, never created. */
async function existingForWrite(c: ArrayColls, type: string, id: DocId): Promise<Document> {
  if (!(await c.main.findOne({ _id: id } as Document, { projection: { _id: 1 } }))) throw new NoSuchThingError(type, String(id));
  return forWrite(c, type, id);
}

/** `removeAll`: the first occurrence of each item goes (databank's rule); absent items are ignored. */
export async function removeAll(c: ArrayColls, type: string, id: DocId, list: unknown[]): Promise<void> {
  await existingForWrite(c, type, id);
  let removed = 0;
  for (const x of list) {
    // One atomic find-and-delete each: two workers removing one item remove one copy each, never the same.
    const gone = await c.items.findOneAndDelete({ k: id, t: text(x) }, { sort: { p: 1 } });
    if (gone) removed++;
  }
  await addLength(c, id, -removed);
}

/** `truncate`: keeps the first `length` items. */
export async function truncate(c: ArrayColls, type: string, id: DocId, length: number): Promise<void> {
  if (!Number.isInteger(length) || length < 0) {
    throw new DatabankError(`Cannot truncate '${type}' '${String(id)}' to length ${String(length)}`);
  }
  const doc = await existingForWrite(c, type, id);
  if ((doc[LEN] as number) <= length) return;
  const [cut] = await c.items.find({ k: id }, { projection: { p: 1 } }).sort({ p: 1 }).skip(length).limit(1).toArray();
  if (cut) await c.items.deleteMany({ k: id, p: { $gte: cut.p } });
  const n = await c.items.countDocuments({ k: id });
  await c.main.updateOne({ _id: id } as Document, { $set: { [LEN]: n } });
}
