/**
 * ActivityStreams 1.0 JSON as it travels through the engine: plain objects
 * whose shape is checked by the validators, not by the type system.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AS = Record<string, any>;

/** A stored reference to another object: just enough to find it again. */
export interface Ref {
  id: string;
  objectType: string;
}

/** The address of the public collection. */
export const PUBLIC = "http://activityschema.org/collection/public";

/** Address fields of an activity. */
export const ADDRESS_FIELDS = ["to", "cc", "bto", "bcc"] as const;

/** Activity fields that hold a single object, stored by reference. */
export const OBJECT_FIELDS = ["actor", "object", "target", "generator", "provider", "context", "location", "source"] as const;

/** True for a non-null, non-array object. */
export function isPlainObject(v: unknown): v is AS {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A reference `{id, objectType}` to an object. */
export function refOf(obj: AS): Ref {
  return { id: obj.id, objectType: obj.objectType };
}

/** A deep copy of JSON data. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Drops every key starting with `_` (hidden storage fields), one level deep. */
export function stripPrivate(obj: AS): AS {
  // Called for every object and activity a page presents: keys, not entries (no pair arrays).
  const out: AS = {};
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.charCodeAt(0) !== 95) out[k] = obj[k];
  }
  return out;
}

/** `nick@host` is canonicalised to `acct:nick@host`; other ids are left alone. */
export function canonicalId(id: string): string {
  if (/^[^:/@\s]+@[^:/@\s]+$/.test(id)) return `acct:${id}`;
  return id;
}

/** True when two ids name the same thing (after acct: canonicalisation). */
export function sameId(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && canonicalId(a) === canonicalId(b);
}
