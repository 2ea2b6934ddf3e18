import type { IncomingHttpHeaders } from "node:http";
import { OAuthError, OAuthMessages } from "./errors";

/** Request parameters by name; a name may occur more than once. */
export type ParamMap = Record<string, string[]>;

/** The OAuth protocol parameters of one request plus everything that goes into its signature base string. */
export interface OAuthRequestParams {
  /** `oauth_*` protocol parameters (first occurrence wins; header, then body, then query). */
  oauth: Record<string, string>;
  /** All parameters of the base string (header oauth_* less realm and signature, query, form body). */
  signed: ParamMap;
}

/**
 * What the OAuth checks read of a request: an Express request, or a plain
 * node:http one dressed with these fields (lib/http/raw-profile.ts).
 */
export interface OAuthRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The URL as sent (path and query). */
  originalUrl: string;
  /** TLS here, or a trusted proxy's X-Forwarded-Proto (Express' req.secure). */
  secure: boolean;
  /** A parsed body (someone else's parser). */
  body?: unknown;
  /** The raw form body we kept (see formBodyParser in auth.ts). */
  rawBody?: Buffer;
}

const FORM_TYPE = "application/x-www-form-urlencoded";

/** True when the request carries any OAuth 1.0a credentials at all (header, query or form body). */
export function hasOAuthCredentials(req: OAuthRequest): boolean {
  const header = req.headers.authorization;
  if (typeof header === "string" && /^OAuth\s/i.test(header.trim() + " ")) return true;
  const { oauth } = collectParams(req, { lenient: true });
  return oauth.oauth_consumer_key !== undefined;
}

/** True when an `oauth_token` is present anywhere (header, query or form body). */
export function hasOAuthToken(req: OAuthRequest): boolean {
  return collectParams(req, { lenient: true }).oauth.oauth_token !== undefined;
}

/** Whether the request body takes part in the signature (RFC 5849 §3.4.1.3.1). */
export function isFormBody(req: Pick<OAuthRequest, "headers">): boolean {
  const ct = req.headers["content-type"];
  if (typeof ct !== "string") return false;
  return ct.split(";")[0]!.trim().toLowerCase() === FORM_TYPE;
}

/**
 * Collects the parameters of an OAuth 1.0a request: the `Authorization:
 * OAuth` header, the query string and, only for form-encoded bodies, the
 * body. A malformed header is a 400 unless `lenient` (used by the cheap
 * "is this an OAuth request at all?" probes).
 */
export function collectParams(req: OAuthRequest, opts: { lenient?: boolean } = {}): OAuthRequestParams {
  // Prototype-less maps: a parameter named "constructor" or "__proto__" must
  // be just a parameter, not an inherited property.
  const oauth: Record<string, string> = Object.create(null);
  const signed: ParamMap = Object.create(null);
  const add = (name: string, value: string, fromHeader = false): void => {
    if (name.startsWith("oauth_") && oauth[name] === undefined) oauth[name] = value;
    if (fromHeader && name === "realm") return;
    if (name === "oauth_signature") return;
    (signed[name] ??= []).push(value);
  };

  let header: Array<[string, string]> = [];
  try {
    header = parseAuthorizationHeader(req.headers.authorization);
  } catch (err) {
    if (!opts.lenient) throw err;
  }
  for (const [k, v] of header) if (k === "realm" || k.startsWith("oauth_")) add(k, v, true);
  for (const [k, v] of formBodyPairs(req)) add(k, v);
  const q = req.originalUrl.indexOf("?");
  if (q !== -1) for (const [k, v] of new URLSearchParams(req.originalUrl.slice(q + 1))) add(k, v);
  return { oauth, signed };
}

/**
 * Splits `Authorization: OAuth k="v", ...` into decoded pairs; [] when the
 * header is absent or uses another scheme.
 */
export function parseAuthorizationHeader(header: string | undefined): Array<[string, string]> {
  if (typeof header !== "string") return [];
  const m = /^\s*OAuth(?:\s+(.*))?$/is.exec(header);
  if (!m) return [];
  const pairs: Array<[string, string]> = [];
  const re = /\s*([^\s=,]+)\s*=\s*"([^"]*)"\s*(?:,|$)/gy;
  const body = m[1] ?? "";
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(body)) !== null) {
    pairs.push([decode(match[1]!), decode(match[2]!)]);
    consumed = re.lastIndex;
  }
  if (body.slice(consumed).trim() !== "") throw new OAuthError(400, "Malformed OAuth Authorization header");
  return pairs;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new OAuthError(400, "Malformed OAuth Authorization header");
  }
}

/** The form body as name/value pairs, from the raw bytes when we kept them. */
function formBodyPairs(req: OAuthRequest): Array<[string, string]> {
  if (!isFormBody(req)) return [];
  if (req.rawBody) return [...new URLSearchParams(req.rawBody.toString("utf8"))];
  // Parsed by someone else's parser: flatten what it produced.
  const body = req.body as unknown;
  if (!body || typeof body !== "object") return [];
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === "string") pairs.push([k, v]);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === "string") pairs.push([k, x]);
  }
  return pairs;
}

/** Throws 400 "Missing required parameter" unless every name has a non-empty value. */
export function requireParams(oauth: Record<string, string>, names: readonly string[]): void {
  for (const n of names) {
    if (oauth[n] === undefined || oauth[n] === "") throw new OAuthError(400, OAuthMessages.missing);
  }
}
