import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, isPlainObject, type AS } from "./as";

const STRING_PROPS = ["id", "objectType", "displayName", "url", "published", "updated", "content", "summary"];
const MAX_DEPTH = 16;

/**
 * The most addresses one of to/cc/bto/bcc may hold. Delivery, inbox
 * placement and read checks walk every address, so an unbounded list is an
 * unbounded amount of work for one request; a client that wants a wide
 * audience addresses a collection (followers, public, a list) instead.
 */
export const MAX_ADDRESSES = 100;

function fail(path: string, what: string): never {
  throw new BadRequestError(`Invalid ${path}: ${what}`);
}

/**
 * Checks an object's shape before anything is written (the original's
 * `ActivityObject.validate`, but as 400s): string props, nested objects,
 * media links, duplicate lists.
 */
export function validateObject(obj: unknown, path = "object", depth = 0): asserts obj is AS {
  if (!isPlainObject(obj)) fail(path, "must be an object");
  if (depth > MAX_DEPTH) fail(path, "nested too deeply");
  for (const p of STRING_PROPS) {
    if (obj[p] !== undefined && typeof obj[p] !== "string") fail(`${path}.${p}`, "must be a string");
  }
  for (const p of ["author", "inReplyTo", "location"]) {
    if (obj[p] !== undefined) validateObject(obj[p], `${path}.${p}`, depth + 1);
  }
  for (const p of ["attachments", "tags"]) {
    if (obj[p] === undefined) continue;
    if (!Array.isArray(obj[p])) fail(`${path}.${p}`, "must be an array");
    (obj[p] as unknown[]).forEach((a, i) => validateObject(a, `${path}.${p}[${i}]`, depth + 1));
  }
  for (const p of ["image", "fullImage"]) {
    if (obj[p] !== undefined) validateMediaLink(obj[p], `${path}.${p}`);
  }
  for (const p of ["upstreamDuplicates", "downstreamDuplicates"]) {
    const v = obj[p];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) fail(`${path}.${p}`, "must be an array of strings");
  }
  for (const p of ["links", "likes", "replies", "shares", "members", "pump_io"]) {
    if (obj[p] !== undefined && !isPlainObject(obj[p])) fail(`${path}.${p}`, "must be an object");
  }
  if (obj.objectTypes !== undefined) {
    const v = obj.objectTypes;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) fail(`${path}.objectTypes`, "must be an array of strings");
  }
}

function validateMediaLink(v: unknown, path: string): void {
  if (!isPlainObject(v)) fail(path, "must be an object");
  if (typeof v.url !== "string") fail(`${path}.url`, "must be a string");
  for (const p of ["width", "height", "duration"]) {
    if (v[p] !== undefined && typeof v[p] !== "number") fail(`${path}.${p}`, "must be a number");
  }
}

/**
 * Checks an incoming activity's shape: a JSON object, `verb`/`content`/
 * `id`/times strings, object-valued fields objects, addresses arrays of
 * at most MAX_ADDRESSES objects. Throws 400 with a clear message.
 */
export function validateActivity(act: unknown): asserts act is AS {
  if (!isPlainObject(act)) throw new BadRequestError("Activity must be a JSON object");
  for (const p of ["id", "verb", "content", "displayName", "title", "published", "updated", "url"]) {
    if (act[p] !== undefined && typeof act[p] !== "string") fail(`activity.${p}`, "must be a string");
  }
  for (const f of OBJECT_FIELDS) {
    if (act[f] !== undefined) validateObject(act[f], f);
  }
  for (const f of ADDRESS_FIELDS) {
    const v = act[f];
    if (v === undefined) continue;
    if (!Array.isArray(v)) fail(f, "must be an array");
    if (v.length > MAX_ADDRESSES) {
      throw new BadRequestError(`Too many addresses in ${f}: at most ${MAX_ADDRESSES} per field (to, cc, bto, bcc); address a collection instead`);
    }
    v.forEach((a: unknown, i: number) => validateObject(a, `${f}[${i}]`));
  }
}

/**
 * 400 "Activity has no object" (the original's message) unless the activity
 * has an object. Every verb needs one: the original refuses to save any
 * activity without an object (api.md §7, "missing object → Activity has no
 * object"), and none of its verbs (activities.md §2) is exempt, so neither
 * is any of ours, known, unknown or URI verbs alike. Checked before anything
 * is written, so a refused activity leaves nothing behind.
 */
export function requireObject(act: AS): void {
  if (!isPlainObject(act.object)) throw new BadRequestError("Activity has no object");
}
