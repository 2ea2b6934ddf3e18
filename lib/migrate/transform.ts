import { clone, isPlainObject, refOf, type AS } from "../model/as";
import { cleanForStorage } from "../model/html";
import type { RelationRecord } from "../model/relation";
import { classOf } from "../model/vocabulary";

/** An `{id, objectType}` reference of a stored reference or full object; null without an id. */
export function asRef(v: unknown): { id: string; objectType: string } | null {
  if (!isPlainObject(v) || typeof v.id !== "string") return null;
  return refOf(v) as { id: string; objectType: string };
}

/** The id a reference or a full object names, or null. */
export function idOf(v: unknown): string | null {
  return asRef(v)?.id ?? null;
}

/**
 * One of the original's activity objects as we store it. The original
 * sometimes kept a full person as `author` (after an update) where we keep
 * a reference, read back from the store; a local user's person gets our
 * `_nickname` mark; a local list gets its `members` feed, which we
 * serve at `<list id>/members`. Everything else, ids and `_uuid`
 * included, is kept as it was.
 */
export function toOurObject(rec: AS, localNicks: ReadonlyMap<string, string>, listIds: ReadonlySet<string>): AS {
  const obj = clone(rec);
  for (const f of ["author", "inReplyTo"]) {
    const ref = asRef(obj[f]);
    if (ref) obj[f] = ref;
  }
  const nick = obj.objectType === "person" ? localNicks.get(obj.id) : undefined;
  if (nick !== undefined) obj._nickname = nick;
  if (listIds.has(obj.id) && !isPlainObject(obj.members)) obj.members = { url: `${obj.id}/members` };
  return cleanForStorage(obj);
}

/** Our `uuidindex` key for an object (`<class>/<uuid>`), or null when it has no `_uuid`. */
export function uuidKey(obj: AS): string | null {
  return typeof obj._uuid === "string" ? `${classOf(String(obj.objectType))}/${obj._uuid}` : null;
}

/** An activity as we store it: as it was, its HTML checked and marked. */
export function toOurActivity(rec: AS): AS {
  return cleanForStorage(clone(rec));
}

/**
 * A relation record (edge, favorite, share, membership) in our shape:
 * `"<from> <to>"` keyed, ends as bare ids. The original kept either a
 * reference or a full person at each end.
 */
export function toOurRelation(rec: AS, ends: { from: string; to: string }): RelationRecord | null {
  const from = idOf(rec[ends.from]);
  const to = idOf(rec[ends.to]);
  if (!from || !to) return null;
  const published = typeof rec.published === "string" ? rec.published : String(rec.updated ?? "");
  return { id: `${from} ${to}`, from, to, published };
}
