import sanitize from "sanitize-html";
import { isPlainObject, type AS } from "./as";

/**
 * The tags a social post needs: paragraphs, line breaks, links, emphasis,
 * lists, quotes, code and images. Anything else (style, form, input,
 * button, iframe, svg, math, div, span, ...) goes; its text stays, except
 * for script/style/textarea-like elements, whose text goes with them.
 */
const ALLOWED_TAGS = ["p", "br", "a", "em", "i", "strong", "b", "u", "s", "del", "sub", "sup", "ul", "ol", "li", "blockquote", "q", "code", "pre", "img"];

/** No class, id or style anywhere: they let a post reuse (or fake) the site's own layout. */
const ALLOWED_ATTRIBUTES = { a: ["href", "title", "rel"], img: ["src", "alt", "title"] };

const LINK_URL = /^(https?:\/\/|mailto:)/i;
const IMAGE_URL = /^https?:\/\//i;

const OPTIONS: sanitize.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // Absolute URLs only: a relative link in a post would point into whichever site shows it.
    a: (tagName, attribs) => {
      const out: sanitize.Attributes = { rel: "nofollow noopener" };
      const href = (attribs.href ?? "").trim();
      if (LINK_URL.test(href)) out.href = href;
      if (attribs.title !== undefined) out.title = attribs.title;
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const out: sanitize.Attributes = {};
      const src = (attribs.src ?? "").trim();
      if (IMAGE_URL.test(src)) out.src = src;
      if (attribs.alt !== undefined) out.alt = attribs.alt;
      if (attribs.title !== undefined) out.title = attribs.title;
      return { tagName, attribs: out };
    },
  },
  // An image without a usable source is nothing worth keeping.
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/**
 * Sanitises an HTML fragment against the allow-list above: links keep only
 * http(s)/mailto targets and get `rel="nofollow noopener"`, images only
 * http(s) sources; everything else is dropped.
 */
export function sanitizeHtml(html: string): string {
  // Most posts are plain text: no parser for them (test/model/html-plain.test.ts compares the two).
  if (PLAIN.test(html)) return html;
  return sanitize(html, OPTIONS);
}

/**
 * Text with nothing an HTML parser reads as a tag, entity or character to
 * escape: the sanitiser gives it back as it is.
 */
const PLAIN = /^[^<>&]*$/;

/** The sanitiser without the plain-text shortcut (for tests). */
export function sanitizeWithParser(html: string): string {
  return sanitize(html, OPTIONS);
}

const TEXT_ONLY: sanitize.IOptions = { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: "discard" };

/** Something that an HTML parser would read as a tag, comment or doctype. */
const MARKUP = /<[a-zA-Z/!?]/;

/**
 * A display name is plain text. One that holds markup loses it: the tags
 * go and `<`/`>` stay escaped, so the name is harmless both where it is
 * escaped (our pages) and where a client shows it as HTML. A name without
 * markup is returned unchanged ("Tom & Jerry" stays as typed).
 */
export function plainName(name: string): string {
  if (!MARKUP.test(name)) return name;
  return sanitize(name, TEXT_ONLY).replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

/**
 * The private key that marks a stored object or activity as sanitised,
 * and the version of the rules above it was sanitised with. Records
 * without it (written by an older version) are sanitised when read.
 * Bump the version whenever the allow-list gets stricter.
 */
export const HTML_MARK = "_html";
export const HTML_VERSION = 1;

/** Objects embedded (not referenced) in a stored object, cleaned with it. */
const EMBEDDED = ["author", "location", "inReplyTo", "image", "fullImage"] as const;
const EMBEDDED_LISTS = ["attachments", "tags"] as const;

function cleanFields(obj: AS, depth: number): void {
  if (depth > 16) return;
  for (const p of ["content", "summary"]) if (typeof obj[p] === "string") obj[p] = sanitizeHtml(obj[p]);
  if (typeof obj.displayName === "string") obj.displayName = plainName(obj.displayName);
  for (const p of EMBEDDED) if (isPlainObject(obj[p])) cleanFields(obj[p], depth + 1);
  for (const p of EMBEDDED_LISTS) {
    if (Array.isArray(obj[p])) for (const a of obj[p]) if (isPlainObject(a)) cleanFields(a, depth + 1);
  }
}

/**
 * Sanitises, in place, the HTML of a record about to be stored (object or
 * activity): `content` and `summary`, a `displayName` with markup, and the
 * same in its embedded author, location, reply parent, images, attachments
 * and tags. Then marks it, so reads trust it.
 */
export function cleanForStorage<T extends AS>(record: T): T {
  cleanFields(record, 0);
  (record as AS)[HTML_MARK] = HTML_VERSION;
  return record;
}

/**
 * A stored record as it may be shown: as is when it carries the current
 * mark (the common case: nothing to do), else a sanitised copy (data from
 * an older version; the stored record is left for its next write to mend).
 */
export function cleanOnRead<T extends AS>(record: T): T {
  if (record[HTML_MARK] === HTML_VERSION) return record;
  return cleanForStorage(structuredClone(record));
}
