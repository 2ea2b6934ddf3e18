import createDOMPurify, { type DOMPurify } from "dompurify";
import { JSDOM } from "jsdom";
import { ADDRESS_FIELDS, isPlainObject, type AS } from "../model/as";

let purifier: DOMPurify | null = null;

function purify(): DOMPurify {
  // One jsdom window for the process, made on first use (not at import time).
  if (!purifier) purifier = createDOMPurify(new JSDOM("").window as unknown as Parameters<typeof createDOMPurify>[0]);
  return purifier;
}

/**
 * Sanitises an HTML fragment with DOMPurify's default settings: drops
 * `<script>`, event-handler attributes and `javascript:` URLs, keeps
 * ordinary markup.
 */
export function sanitizeHtml(html: string): string {
  return purify().sanitize(html);
}

const SCRUBBED_OBJECT_FIELDS = ["actor", "object", "target", "generator", "provider", "context", "source"] as const;

function dropPrivate(obj: AS): void {
  for (const k of Object.keys(obj)) if (k.startsWith("_")) delete obj[k];
}

/** Scrubs one object in place: content, summary, then author/location/attachments/tags. */
export function scrubObject(obj: unknown, depth = 0): void {
  if (!isPlainObject(obj) || depth > 16) return;
  dropPrivate(obj);
  for (const p of ["content", "summary"]) if (typeof obj[p] === "string") obj[p] = sanitizeHtml(obj[p]);
  for (const p of ["author", "location", "inReplyTo"]) scrubObject(obj[p], depth + 1);
  for (const p of ["attachments", "tags"]) {
    if (Array.isArray(obj[p])) for (const a of obj[p]) scrubObject(a, depth + 1);
  }
}

/**
 * Scrubs an incoming activity in place (activities.md §8): its `content`,
 * its object-valued fields and every address; `_` keys dropped at every
 * level. displayName is left alone.
 */
export function scrubActivity(act: unknown): void {
  if (!isPlainObject(act)) return;
  dropPrivate(act);
  if (typeof act.content === "string") act.content = sanitizeHtml(act.content);
  for (const f of SCRUBBED_OBJECT_FIELDS) scrubObject(act[f]);
  for (const f of ADDRESS_FIELDS) {
    if (Array.isArray(act[f])) for (const a of act[f]) scrubObject(a);
  }
}
