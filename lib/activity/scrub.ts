import { ADDRESS_FIELDS, isPlainObject, type AS } from "../model/as";
import { plainName } from "../model/html";

/*
 * Incoming data is scrubbed of what a client must never set; its HTML
 * (content, summary) is sanitised once, where it is stored (model/html.ts,
 * called by the object and activity stores), so every way in — posting,
 * updates, remote deliveries, objects merged from elsewhere — is covered
 * and reads serve the stored HTML as it is.
 */

const SCRUBBED_OBJECT_FIELDS = ["actor", "object", "target", "generator", "provider", "context", "source"] as const;

function dropPrivate(obj: AS): void {
  for (const k of Object.keys(obj)) if (k.startsWith("_")) delete obj[k];
}

/**
 * Scrubs one object in place: `_` keys (storage fields, the sanitised-HTML
 * mark) dropped, a display name with markup made plain text (before the
 * verbs compare names, e.g. list names), then author/location/attachments/tags.
 */
export function scrubObject(obj: unknown, depth = 0): void {
  if (!isPlainObject(obj) || depth > 16) return;
  dropPrivate(obj);
  if (typeof obj.displayName === "string") obj.displayName = plainName(obj.displayName);
  for (const p of ["author", "location", "inReplyTo"]) scrubObject(obj[p], depth + 1);
  for (const p of ["attachments", "tags"]) {
    if (Array.isArray(obj[p])) for (const a of obj[p]) scrubObject(a, depth + 1);
  }
}

/**
 * Scrubs an incoming activity in place (activities.md §8): its
 * object-valued fields and every address; `_` keys dropped at every level.
 */
export function scrubActivity(act: unknown): void {
  if (!isPlainObject(act)) return;
  dropPrivate(act);
  for (const f of SCRUBBED_OBJECT_FIELDS) scrubObject(act[f]);
  for (const f of ADDRESS_FIELDS) {
    if (Array.isArray(act[f])) for (const a of act[f]) scrubObject(a);
  }
}
