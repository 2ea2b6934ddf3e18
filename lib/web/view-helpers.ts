import { timeAgo } from "./time-ago";

type Obj = Record<string, any>;

/**
 * Helpers every template gets as `it.h`. Templates escape everything by
 * default; the only raw output of user content is `h.html()`, which is
 * given HTML as the stores hand it out: sanitised when it was written (or,
 * for records of an older version, when read) by model/html.ts.
 */
export interface ViewHelpers {
  /** Stored user HTML (content/summary, already sanitised by the store): for `<%~ %>`. */
  html(value: unknown): string;
  /** A safe link target: our own URLs as paths, other http(s) URLs as-is, anything else "#". */
  href(value: unknown): string;
  /** A person's or object's display name. */
  name(obj: unknown): string;
  /** A human date ("2024-05-01 12:00 UTC") for an ISO stamp. */
  date(value: unknown): string;
  /** The web page path of an object or person (its `url`), or null when it has none of ours. */
  page(obj: unknown): string | null;
  /** A person's avatar URL (safe), or null. */
  avatar(person: unknown): string | null;
  /** The value as a string ("" for anything else). */
  str(value: unknown): string;
  /** Plain text of some HTML (for titles). */
  text(value: unknown, max?: number): string;
  /** "5 minutes ago" for an ISO stamp, relative to `now` (ms). */
  ago(value: unknown, now?: number): string;
  /** A `<time>` element: relative text, the ISO stamp in `datetime`, the absolute time on hover (for `<%~ %>`). */
  time(value: unknown): string;
  /**
   * Who is in a likes/shares collection, in words: "Bob", "You and Bob",
   * "Bob and 2 others" (the collection's first items and its total), or "" when empty.
   */
  people(collection: unknown, viewerId?: string | null): string;
  /** An error message for people: the store's "No such 'user' with id 'x'" said in words. */
  humanError(message: unknown): string;
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);
/** Builds the helpers for a site whose own URLs start with `base` (scheme://host[:port][/path]). */
export function createViewHelpers(base: string): ViewHelpers {
  const str = (v: unknown): string => (typeof v === "string" ? v : "");
  const href = (v: unknown): string => {
    const url = str(v).trim();
    if (url === "") return "#";
    if (url === base || url.startsWith(`${base}/`)) return url.slice(base.length) || "/";
    if (url.startsWith("/") && !url.startsWith("//")) return url;
    return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : "#";
  };
  const obj = (v: unknown): Obj | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);
  const text = (v: unknown, max = 80): string => {
    const plain = str(v).replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/\s+/g, " ").trim();
    const decoded = plain.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    return decoded.length > max ? `${decoded.slice(0, max - 1)}…` : decoded;
  };
  const date = (v: unknown): string => {
    const d = new Date(str(v));
    if (Number.isNaN(d.getTime())) return "";
    return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  };
  return {
    html: str,
    href,
    name(v) {
      const o = obj(v);
      if (!o) return "someone";
      const n = str(o.displayName) || str(o.preferredUsername) || text(o.content, 40);
      return n || `a ${str(o.objectType) || "thing"}`;
    },
    date,
    page(v) {
      const o = obj(v);
      const u = o ? href(o.url) : "#";
      return u === "#" ? null : u;
    },
    avatar(v) {
      const o = obj(v);
      const img = obj(o?.image);
      const u = href(img?.url);
      return u === "#" ? null : u;
    },
    str,
    text,
    ago: (v, now) => timeAgo(str(v), now),
    time(v) {
      const iso = str(v);
      const abs = date(iso);
      if (!abs) return "";
      return `<time datetime="${esc(iso)}" title="${esc(abs)}">${esc(timeAgo(iso))}</time>`;
    },
    people(c, viewerId) {
      const col = obj(c);
      const total = typeof col?.totalItems === "number" ? col.totalItems : 0;
      const items = Array.isArray(col?.items) ? (col.items as unknown[]).map(obj).filter((x): x is Obj => x !== null) : [];
      if (total === 0 || items.length === 0) return "";
      const you = viewerId ? items.some((p) => p.id === viewerId) : false;
      const others = items.filter((p) => !viewerId || p.id !== viewerId).map((p) => str(p.displayName) || str(p.preferredUsername) || "someone");
      const names = [...(you ? ["You"] : []), ...others.slice(0, you ? 1 : 2)];
      const rest = total - names.length;
      if (rest > 0) return `${names[0]} and ${rest + names.length - 1} other${rest + names.length - 1 === 1 ? "" : "s"}`;
      return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    },
    humanError(v) {
      const m = /^No such '([\w-]+)' with id '(.*)'$/s.exec(str(v));
      if (!m) return str(v);
      return m[1] === "user" ? `There is nobody called “${m[2]}” on this site.` : `There is no such ${m[1]} here.`;
    },
  };
}
