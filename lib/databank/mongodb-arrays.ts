// Counters and lists for the MongoDB driver: each operation is ONE atomic
// server-side update or read of a `{_s: true, _v: ...}` document (the
// layout of databank-mongodb, see mongodb-layout.ts), never a read-modify-
// write from Node, so concurrent workers cannot lose each other's changes.
import type { Collection, Document } from "mongodb";
import { DatabankError, NoSuchItemError, NoSuchThingError, WrongTypeError } from "databank";
import { SCALAR_FLAG, VALUE_FIELD, jsonCopy, type DocId } from "./mongodb-layout";

const V = `$${VALUE_FIELD}`;

/**
 * Matches the document `id` only if it holds a wrapped value of `kind`.
 * The extra conditions make an upsert on a document of another shape (an
 * object, or a list when we want a number) fail with a duplicate `_id`
 * instead of grafting `_v` onto it as databank-mongodb's `incrBy` and
 * `appendAll` did; see {@link upsertWrapped}.
 */
export function wrappedFilter(id: DocId, kind: "number" | "array"): Document {
  return { _id: id, [SCALAR_FLAG]: true, [VALUE_FIELD]: { $type: kind } };
}

/** Mirrors databank-mongodb `incrBy`: `$inc` on `_v` (upserted, so a missing counter starts at 0). */
export function incUpdate(n: number): Document {
  return { $inc: { [VALUE_FIELD]: n } };
}

/**
 * Mirrors databank-mongodb `appendAll` (`$push` + `$each`) and `prependAll`
 * (the same with `$position: 0`). Items go through JSON like every stored
 * value, and, as there, are not key-encoded.
 */
export function pushUpdate(items: unknown[], atFront: boolean): Document {
  const each: Document = { $each: jsonCopy<unknown[]>(items) };
  if (atFront) each.$position = 0;
  return { $push: { [VALUE_FIELD]: each } };
}

/** Mirrors databank-mongodb `truncate`: `$push` of nothing with `$slice` keeps the first `length` items. */
export function truncateUpdate(length: number): Document {
  return { $push: { [VALUE_FIELD]: { $each: [], $slice: length } } };
}

/**
 * An update pipeline removing the FIRST occurrence of each item, in order,
 * as databank's default `removeAll` does (`indexOf` then `splice`). It
 * replaces databank-mongodb's `$pull: {_v: {$in: items}}`, which removed
 * EVERY occurrence. Each stage keeps the elements whose index is not the
 * first match; when there is no match ($indexOfArray gives -1) it keeps all.
 * Items are wrapped in `$literal` so a string such as "$x" is data, not a
 * field path. Equality is BSON's: 3 matches 3.0, objects match field by field.
 */
export function removeFirstPipeline(items: unknown[]): Document[] {
  return jsonCopy<unknown[]>(items).map((item) => ({
    $set: {
      [VALUE_FIELD]: {
        $let: {
          vars: { hit: { $indexOfArray: [V, { $literal: item }] } },
          in: {
            $map: {
              input: {
                $filter: { input: { $range: [0, { $size: V }] }, as: "i", cond: { $ne: ["$$i", "$$hit"] } },
              },
              as: "i",
              in: { $arrayElemAt: [V, "$$i"] },
            },
          },
        },
      },
    },
  }));
}

/** How a server-side `$slice` projection is asked for `value.slice(start, end)`, or null to slice in Node. */
export function sliceProjection(start: number, end: number): { projection: Document; keep: number } | null {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < 0) return null;
  // $slice's count must be positive, so an empty range still fetches one
  // item (proving the list exists) and `keep` cuts it away again.
  const keep = Math.max(0, end - start);
  return { projection: { [SCALAR_FLAG]: 1, [VALUE_FIELD]: { $slice: [start, Math.max(1, keep)] } }, keep };
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

/**
 * Explains a failed match on `wrappedFilter(id, kind)`: NoSuchThingError if
 * there is no document `id`, WrongTypeError if it holds something else.
 */
async function missOrWrongType(coll: Collection, type: string, id: DocId, kind: string): Promise<never> {
  const exists = await coll.countDocuments({ _id: id } as Document, { limit: 1 });
  throw exists ? new WrongTypeError(type, id as string, kind) : new NoSuchThingError(type, id as string);
}

/** MongoDB's TypeMismatch, e.g. `$inc` on a list: `$type: "number"` also matches an array holding a number. */
const TYPE_MISMATCH = 14;

/**
 * Applies `update` to the wrapped value `id`, creating `{_id, _s: true}`
 * first if there is no document `id`. A duplicate-key error means either a
 * concurrent writer created the document between our match and insert (the
 * second attempt then matches it), or the document has another shape (the
 * second attempt fails the same way: WrongTypeError).
 */
async function upsertWrapped(coll: Collection, type: string, id: DocId, kind: "number" | "array", update: Document): Promise<Document | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await coll.findOneAndUpdate(wrappedFilter(id, kind), update, { upsert: true, returnDocument: "after" });
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code === TYPE_MISMATCH) throw new WrongTypeError(type, id as string, kind);
      if (!isDuplicateKey(err)) throw err;
      if (attempt > 0) throw new WrongTypeError(type, id as string, kind);
    }
  }
}

/** Atomic `incrBy` (and so incr, decr, decrBy, which databank routes here); resolves to the new value. */
export async function incrBy(coll: Collection, type: string, id: DocId, n: number): Promise<number> {
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw new DatabankError(`Cannot increment '${type}' '${id}' by ${String(n)}`);
  }
  const doc = await upsertWrapped(coll, type, id, "number", incUpdate(n));
  return doc?.[VALUE_FIELD] as number;
}

/** Atomic `appendAll` / `prependAll`; a missing list is created. */
export async function pushAll(coll: Collection, type: string, id: DocId, items: unknown[], atFront: boolean): Promise<void> {
  await upsertWrapped(coll, type, id, "array", pushUpdate(items, atFront));
}

/** Atomic `removeAll`: the first occurrence of each item goes; absent items are ignored. */
export async function removeAll(coll: Collection, type: string, id: DocId, items: unknown[]): Promise<void> {
  const res = await coll.updateOne(wrappedFilter(id, "array"), removeFirstPipeline(items));
  if (res.matchedCount === 0) await missOrWrongType(coll, type, id, "array");
}

/** Atomic `truncate` to at most `length` items. */
export async function truncate(coll: Collection, type: string, id: DocId, length: number): Promise<void> {
  // A negative $slice would keep the LAST items; databank never meant that.
  if (!Number.isInteger(length) || length < 0) {
    throw new DatabankError(`Cannot truncate '${type}' '${id}' to length ${String(length)}`);
  }
  const res = await coll.updateOne(wrappedFilter(id, "array"), truncateUpdate(length));
  if (res.matchedCount === 0) await missOrWrongType(coll, type, id, "array");
}

/** `slice`, with Array.prototype.slice's meaning of (start, end); server-side for non-negative bounds. */
export async function slice(coll: Collection, type: string, id: DocId, start: number, end: number): Promise<unknown[]> {
  const plan = sliceProjection(start, end);
  const doc = await coll.findOne({ _id: id } as Document, plan ? { projection: plan.projection } : {});
  if (!doc) throw new NoSuchThingError(type, id as string);
  const list: unknown = doc[SCALAR_FLAG] ? doc[VALUE_FIELD] : undefined;
  if (!Array.isArray(list)) throw new WrongTypeError(type, id as string, "array");
  return plan ? list.slice(0, plan.keep) : list.slice(start, end);
}

/** `item`: NoSuchItemError past either end, as databank-mongodb's `item`. */
export async function item(coll: Collection, type: string, id: DocId, index: number): Promise<unknown> {
  const safe = Number.isInteger(index) && index >= 0;
  const items = await slice(coll, type, id, safe ? index : 0, safe ? index + 1 : 0);
  if (!safe || items.length === 0) throw new NoSuchItemError(type, id as string, index);
  return items[0];
}

/**
 * Reads one number about the list `id` computed by the server: `expr` is
 * evaluated only when `_v` is an array, so the whole list never travels.
 */
async function aboutList(coll: Collection, type: string, id: DocId, expr: Document): Promise<number> {
  const [row] = await coll
    .aggregate([
      { $match: { _id: id } },
      {
        $project: {
          _id: 0,
          ok: { $and: [{ $eq: [`$${SCALAR_FLAG}`, true] }, { $isArray: V }] },
          n: { $cond: [{ $isArray: V }, expr, null] },
        },
      },
    ])
    .toArray();
  if (!row) throw new NoSuchThingError(type, id as string);
  if (!row.ok) throw new WrongTypeError(type, id as string, "array");
  return row.n as number;
}

/** `length`, mirrors databank-mongodb's `$size` aggregation. */
export function length(coll: Collection, type: string, id: DocId): Promise<number> {
  return aboutList(coll, type, id, { $size: V });
}

/** `indexOf` (BSON equality, so objects are found too), -1 when absent. */
export function indexOf(coll: Collection, type: string, id: DocId, wanted: unknown): Promise<number> {
  return aboutList(coll, type, id, { $indexOfArray: [V, { $literal: jsonCopy(wanted) }] });
}
