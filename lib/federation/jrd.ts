import type { JrdLink } from "./discovery";
import type { SafeResponse } from "../net/safe-request";

/** Most links a discovery document may have; more is hostile or broken. */
const MAX_LINKS = 200;

/** Media types read as JRD. The original serves `application/json`; RFC 7033 says `application/jrd+json`: take both. */
export const JRD_TYPES = ["application/json", "application/jrd+json"];
/** Media types read as XRD. */
export const XRD_TYPES = ["application/xrd+xml", "application/xml", "text/xml"];

/** Keeps the well-formed links of a JRD document ({links: [...]}); throws when there is no links array. */
export function linksFromJrd(doc: unknown): JrdLink[] {
  if (typeof doc !== "object" || doc === null || !Array.isArray((doc as { links?: unknown }).links)) {
    throw new Error("not a JRD document (no links array)");
  }
  const out: JrdLink[] = [];
  for (const l of (doc as { links: unknown[] }).links.slice(0, MAX_LINKS)) {
    if (typeof l !== "object" || l === null) continue;
    const { rel, href, template, type } = l as Record<string, unknown>;
    if (typeof rel !== "string" || rel === "") continue;
    const link: JrdLink = { rel };
    if (typeof href === "string") link.href = href;
    if (typeof template === "string") link.template = template;
    if (typeof type === "string") link.type = type;
    if (link.href === undefined && link.template === undefined) continue;
    out.push(link);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? "";
  });
}

/**
 * The `<Link .../>` elements of an XRD document, attributes only (all that
 * host-meta and lrdd use). A small scanner rather than an XML parser: it
 * reads no DTD and expands no external entity, so hostile XML can do nothing.
 */
export function linksFromXrd(xml: string): JrdLink[] {
  if (!/<XRD[\s>]/.test(xml)) throw new Error("not an XRD document");
  const out: JrdLink[] = [];
  const linkRe = /<Link\b([^>]*?)\/?>/g;
  let m: RegExpExecArray | null;
  while ((m = linkRe.exec(xml)) !== null && out.length < MAX_LINKS) {
    const attrs: Record<string, string> = {};
    const attrRe = /([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
    let a: RegExpExecArray | null;
    while ((a = attrRe.exec(m[1])) !== null) attrs[a[1]] = unescapeXml(a[2] ?? a[3] ?? "");
    if (!attrs.rel || (attrs.href === undefined && attrs.template === undefined)) continue;
    const link: JrdLink = { rel: attrs.rel };
    if (attrs.href !== undefined) link.href = attrs.href;
    if (attrs.template !== undefined) link.template = attrs.template;
    if (attrs.type !== undefined) link.type = attrs.type;
    out.push(link);
  }
  return out;
}

/** The links of a discovery answer, JRD or XRD by its Content-Type; throws on anything else. */
export function linksFromResponse(res: SafeResponse): JrdLink[] {
  if (JRD_TYPES.includes(res.mediaType)) return linksFromJrd(res.json());
  if (XRD_TYPES.includes(res.mediaType)) return linksFromXrd(res.text());
  throw new Error(`unexpected Content-Type ${JSON.stringify(res.mediaType)}`);
}
