/**
 * Content negotiation between ActivityStreams 1.0 (our native JSON) and
 * ActivityStreams 2.0 (api.md §1, activities.md §9).
 *
 * The original switches to AS2 when the Accept header prefers
 * `application/ld+json; profile="https://www.w3.org/ns/activitystreams"` or
 * `application/activity+json` over `application/stream+json`, and — by
 * accident of its negotiation library — also when the header names none of
 * the three (e.g. only `application/json`). We decide that case
 * deliberately the other way: a client asking for plain `application/json`
 * is an AS1 client (every pump.io client sends that or nothing), so it gets
 * AS1. AS2 needs an explicit AS2 media type.
 */

/** The Content-Type of AS2 answers. */
export const AS2_CONTENT_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

const AS_PROFILE = "https://www.w3.org/ns/activitystreams";

interface AcceptEntry {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): AcceptEntry[] {
  const out: AcceptEntry[] = [];
  // Split on commas that are not inside a quoted parameter value.
  for (const part of header.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [rawType, ...rawParams] = part.split(";");
    const type = (rawType ?? "").trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      if (key === "q") {
        const n = Number(value);
        q = Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0;
      } else params[key] = value;
    }
    out.push({ type, params, q });
  }
  return out;
}

function isAs2Entry(e: AcceptEntry): boolean {
  if (e.type === "application/activity+json") return true;
  // ld+json without a profile is JSON-LD, which AS1 is not; any other profile is not ours.
  return e.type === "application/ld+json" && (e.params.profile === undefined || e.params.profile === AS_PROFILE);
}

/**
 * True when the request's Accept header asks for AS2: the best quality of an
 * explicit AS2 type is positive and not lower than that of
 * `application/stream+json` (which wins ties: it is the native type),
 * `application/json` or wildcards (which AS2 wins ties against).
 */
export function prefersAS2(accept: string | undefined): boolean {
  if (!accept) return false;
  let as2 = 0;
  let stream = 0;
  let other = 0;
  for (const e of parseAccept(accept)) {
    if (isAs2Entry(e)) as2 = Math.max(as2, e.q);
    else if (e.type === "application/stream+json") stream = Math.max(stream, e.q);
    else if (e.type === "application/json" || e.type === "*/*" || e.type === "application/*") other = Math.max(other, e.q);
  }
  return as2 > 0 && as2 > stream && as2 >= other;
}
