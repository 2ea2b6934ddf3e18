// The document layout of the original databank-mongodb driver
// (node_modules/databank-mongodb/lib/mongodb.js, v1.0.1), as pure functions.
//
// Every function here mirrors a named function of that file so that a
// database written by pump.io on databank-mongodb can be served unchanged by
// our driver, and what we write can still be read by databank-mongodb. Where
// we deliberately differ, the comment says so and why; none of the
// differences changes what is stored.
import type { Schema } from "databank";
import type { Document } from "mongodb";

/**
 * Set to `true` on every document that holds a non-object value (number,
 * string, boolean, null, array); the value itself sits in {@link VALUE_FIELD}.
 * Mirrors `valueToRec` (`rec = {_s: true, _id: id}`) and `recToValue`
 * (`if (rec._s) value = rec._v`).
 */
export const SCALAR_FLAG = "_s";
/** Holds a wrapped non-object value. Mirrors `valueToRec`'s `rec._v = ...`. */
export const VALUE_FIELD = "_v";

/**
 * What databank-mongodb's `encodeKeys` puts in place of "." and "$" in object
 * keys (MongoDB 2.x refused both in field names). Note the JavaScript escape
 * "\xff0e" is the single character U+00FF ("ÿ") followed by the two ASCII
 * characters "0e" — NOT the full-width dot U+FF0E one might expect. We must
 * write the same three characters or databank-mongodb could not decode them.
 */
export const ENCODED_DOT = "\xff0e";
/** The replacement for "$"; U+00FF then "04". See {@link ENCODED_DOT}. */
export const ENCODED_DOLLAR = "\xff04";

/** The document id: databank passes whatever the caller gave (pump.io: strings; the suite: numbers too). */
export type DocId = string | number;

/**
 * The field a type's key is known by in values, or "_id" when the type has
 * no schema entry. Mirrors `getPrimaryKey`. One deliberate difference: a
 * schema entry without `pkey` makes databank-mongodb use the key `undefined`
 * (and `recToValue` then writes a property named "undefined"); we treat it as
 * having no primary key field instead.
 */
export function primaryKey(schema: Schema | undefined, type: string): string {
  return schema?.[type]?.pkey ?? "_id";
}

/**
 * Rewrites, in place and recursively (arrays included), every own key that
 * contains "." or "$". Mirrors `encodeKeys` exactly, quirks included: only
 * the FIRST "." and the FIRST "$" of a key are replaced (it uses
 * `String.prototype.replace` with a string pattern), and the renamed key
 * moves to the end of the object's key order (delete + re-add).
 */
export function encodeKeys(obj: unknown): void {
  renameKeys(obj, (k) => k.includes(".") || k.includes("$"), (k) => k.replace(".", ENCODED_DOT).replace("$", ENCODED_DOLLAR));
}

/**
 * The inverse of {@link encodeKeys}; mirrors `decodeKeys`, again replacing
 * only the first occurrence of each marker in a key.
 */
export function decodeKeys(obj: unknown): void {
  renameKeys(
    obj,
    (k) => k.includes(ENCODED_DOT) || k.includes(ENCODED_DOLLAR),
    // A function replacement, so the "$" is inserted literally whatever
    // String.prototype.replace makes of "$" patterns.
    (k) => k.replace(ENCODED_DOT, () => ".").replace(ENCODED_DOLLAR, () => "$"),
  );
}

function renameKeys(obj: unknown, needsFix: (key: string) => boolean, fix: (key: string) => string): void {
  if (typeof obj !== "object" || obj === null) return;
  const record = obj as Record<string, unknown>;
  const toFix: string[] = [];
  for (const k of Object.keys(record)) {
    renameKeys(record[k], needsFix, fix);
    if (needsFix(k)) toFix.push(k);
  }
  for (const k of toFix) {
    const value = record[k];
    delete record[k];
    record[fix(k)] = value;
  }
}

/**
 * A deep copy through JSON, as databank-mongodb does before storing
 * (`JSON.parse(JSON.stringify(value))`): Dates become strings, undefined
 * properties vanish. A top-level value with no JSON form (undefined, a
 * function) becomes null where databank-mongodb threw a SyntaxError.
 */
export function jsonCopy<T = unknown>(value: unknown): T {
  const text = JSON.stringify(value);
  return (text === undefined ? null : JSON.parse(text)) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The document stored for `value` under `id`. Mirrors `valueToRec`:
 *  - an object is stored as its own fields plus `_id: id`; the schema's
 *    pkey field is REMOVED (the key lives only in `_id`), then keys are
 *    encoded with {@link encodeKeys} (pkey removed first, `_id` set first);
 *  - anything else (number, string, boolean, array, null) is stored as
 *    `{_s: true, _id: id, _v: value}`; arrays and their items are NOT
 *    key-encoded.
 * We decide object-or-not on the JSON copy rather than on the raw value, so
 * a Date (JSON: a string) is stored as a scalar string, and null (which
 * databank-mongodb crashed on: `rec._id = id` on null) as `_v: null`.
 */
export function valueToDoc(schema: Schema | undefined, type: string, id: DocId, value: unknown): Document {
  const pkey = primaryKey(schema, type);
  const copy = jsonCopy(value);
  if (isPlainObject(copy)) {
    copy._id = id;
    if (pkey !== "_id" && Object.prototype.hasOwnProperty.call(copy, pkey)) {
      delete copy[pkey];
    }
    encodeKeys(copy);
    return copy;
  }
  return { [SCALAR_FLAG]: true, _id: id, [VALUE_FIELD]: copy };
}

/**
 * The databank value a stored document stands for. Mirrors `recToValue`:
 *  - a document with a truthy `_s` yields its `_v` as is;
 *  - any other document is JSON-copied, its keys decoded, and — when the
 *    type has a pkey — the pkey field is set from `_id` (always, even if
 *    the value never had that field) and `_id` is removed.
 * Deliberate difference: for a type with no schema entry databank-mongodb
 * left `_id` in the value; we remove it too, so values read back equal what
 * was written, as with every other driver. Nothing stored changes.
 */
export function docToValue(schema: Schema | undefined, type: string, doc: Document): unknown {
  if (doc[SCALAR_FLAG]) {
    return doc[VALUE_FIELD];
  }
  const pkey = primaryKey(schema, type);
  const value = jsonCopy<Record<string, unknown>>(doc);
  decodeKeys(value);
  const id = value._id;
  delete value._id;
  if (pkey !== "_id") {
    value[pkey] = id;
  }
  return value;
}

/**
 * The MongoDB filter for a databank search. Mirrors `search`: the criteria
 * go to `find()` as they are — dotted names ("actor.id") are MongoDB's own
 * dotted paths and are NOT key-encoded — except that a criterion on the
 * type's pkey is renamed to `_id`, where the key is stored.
 * Two deliberate differences, neither changing which documents an ordinary
 * criterion matches: every value is wrapped in `$eq` (the same match as the
 * bare value, including array membership and exact sub-documents, but a
 * value such as `{$ne: null}` that came from a request body can no longer
 * act as a query operator), and a criterion name starting with "$" is
 * refused; databank-mongodb also mutated the caller's criteria, we copy.
 */
export function criteriaToFilter(schema: Schema | undefined, type: string, criteria: Record<string, unknown>): Document {
  const pkey = primaryKey(schema, type);
  const filter: Document = {};
  for (const [name, value] of Object.entries(criteria)) {
    if (name.startsWith("$")) {
      throw new TypeError(`Search criterion '${name}' is not a property name`);
    }
    filter[pkey !== "_id" && name === pkey ? "_id" : name] = { $eq: value };
  }
  return filter;
}

/** One index to create on connect. */
export interface IndexSpec {
  /** The collection: the databank type's name, as is (`getCollection(type)`). */
  collection: string;
  key: Record<string, 1>;
  /** MongoDB's default name for `key`, as `ensureIndex` chose it. */
  name: string;
}

/**
 * The indexes databank-mongodb's `checkBankSchema` creates on connect (when
 * `checkSchema` is not false): for every type in the schema, one ascending,
 * non-unique, single-field index per entry of `indices`, on the field name
 * exactly as written (dotted paths stay dotted). Nothing is created for
 * `pkey`: the key is `_id`, which MongoDB always indexes uniquely. We name
 * each index as ensureIndex did by default ("actor.id_1"), so connecting to
 * an existing pump.io database finds them already there instead of failing
 * with "index already exists with a different name".
 */
export function indexSpecs(schema: Schema | undefined): IndexSpec[] {
  const specs: IndexSpec[] = [];
  for (const [type, entry] of Object.entries(schema ?? {})) {
    for (const field of entry?.indices ?? []) {
      specs.push({ collection: type, key: { [field]: 1 }, name: `${field}_1` });
    }
  }
  return specs;
}
