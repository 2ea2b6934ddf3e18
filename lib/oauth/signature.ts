import { createHmac } from "node:crypto";
import OAuth1 from "oauth-1.0a";
import type { OAuthRequest, ParamMap } from "./request-params";
import { safeEqual } from "./random";
import { underPrefix } from "../http/url-path";

/** The signature methods we accept (oauth.md §2). */
export const SIGNATURE_METHODS = ["HMAC-SHA1", "PLAINTEXT"] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

export function isSignatureMethod(m: string): m is SignatureMethod {
  return (SIGNATURE_METHODS as readonly string[]).includes(m);
}

/** What the base-string URL depends on besides the request itself (oauth.md §6). */
export interface BaseUrlOptions {
  /** True when this server itself terminates TLS (has a key configured). */
  https: boolean;
  /** The canonical `host[:port]` of generated URLs. */
  canonicalHost: string;
  /**
   * The `urlPath` prefix ("" for none). A proxy that strips it sends the
   * path without it, though the client signed the URL with it: it is put
   * back when Host is the canonical host (as the original did), unless the
   * path already has it (a proxy that passes the path through).
   */
  urlPath: string;
}

/**
 * The base-string URI of a request (RFC 5849 §3.4.1.2): scheme from
 * whether this server has a TLS key, authority from the Host header
 * (lower-cased, default port dropped), the path as sent, no query.
 */
export function requestBaseUrl(req: Pick<OAuthRequest, "secure" | "headers" | "originalUrl">, opts: BaseUrlOptions): string {
  // req.secure: TLS here, or a trusted proxy's X-Forwarded-Proto (config
  // trustProxy): the client then signed the https URL it spoke to.
  const scheme = opts.https || req.secure ? "https" : "http";
  const rawHost = req.headers.host ?? opts.canonicalHost;
  const authority = authorityOf(scheme, rawHost);
  const q = req.originalUrl.indexOf("?");
  const path = q === -1 ? req.originalUrl : req.originalUrl.slice(0, q);
  const prefix = rawHost.toLowerCase() === opts.canonicalHost.toLowerCase() && !underPrefix(path, opts.urlPath) ? opts.urlPath : "";
  return `${scheme}://${authority}${prefix}${path || "/"}`;
}

/** Authorities by scheme and Host header: a server sees few, and each costs a URL parse. */
const authorities = new Map<string, string>();
const MAX_AUTHORITIES = 256;

/** The Host header as a URL authority (lower-cased, default port dropped). */
function authorityOf(scheme: string, rawHost: string): string {
  const key = `${scheme}://${rawHost}`;
  let authority = authorities.get(key);
  if (authority === undefined) {
    try {
      authority = new URL(key).host;
    } catch {
      authority = rawHost.toLowerCase();
    }
    if (authorities.size >= MAX_AUTHORITIES) authorities.clear();
    authorities.set(key, authority);
  }
  return authority;
}

/**
 * The signature a client holding these secrets would have sent. The base
 * string and parameter normalisation come from the `oauth-1.0a` library;
 * duplicate parameter names are passed as arrays, which it sorts by value.
 */
export function computeSignature(
  method: SignatureMethod,
  httpMethod: string,
  baseUrl: string,
  params: ParamMap,
  consumerSecret: string,
  tokenSecret: string,
): string {
  // A base URL with a query: the library adds its parameters too.
  const fast = baseUrl.includes("?") ? null : singleValueParams(params);
  if (fast !== null) {
    // What the library computes for single-valued parameters with plain names (the usual request), without its copies.
    const base = `${httpMethod.toUpperCase()}&${percentEncode(baseUrl)}&${percentEncode(fast)}`;
    const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
    return method === "HMAC-SHA1" ? hmacSha1(base, key) : key;
  }
  const signer = new OAuth1({
    consumer: { key: "", secret: consumerSecret },
    signature_method: method,
    hash_function: method === "HMAC-SHA1" ? hmacSha1 : (_base, key) => key,
  });
  const data: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) data[k] = v.length === 1 ? v[0]! : [...v];
  return signer.getSignature({ url: baseUrl, method: httpMethod, data: {} }, tokenSecret, data as unknown as OAuth1.Data);
}

/** Names the library's percent-encoding leaves as they are, and that are no special property of its plain objects. */
const PLAIN_NAME = /^[A-Za-z0-9_.~-]+$/;

/**
 * The library's parameter string (names sorted, `name=value` joined by
 * `&`, values percent-encoded) when every name is plain and has one
 * value; null otherwise (repeated names and odd names take the library).
 */
function singleValueParams(params: ParamMap): string | null {
  const names = Object.keys(params);
  for (const name of names) {
    if (params[name]!.length !== 1 || !PLAIN_NAME.test(name) || name === "__proto__") return null;
  }
  names.sort();
  let out = "";
  for (const name of names) out += `${out === "" ? "" : "&"}${name}=${percentEncode(params[name]![0]!)}`;
  return out;
}

/** RFC 3986 percent-encoding, as the library's (encodeURIComponent plus ! * ' ( )). */
export function percentEncode(s: string): string {
  const e = encodeURIComponent(s);
  return /[!*'()]/.test(e) ? e.replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : e;
}

/** Constant-time check of a received signature against the expected one. */
export function signatureMatches(received: string, expected: string): boolean {
  return safeEqual(received, expected);
}

function hmacSha1(base: string, key: string): string {
  return createHmac("sha1", key).update(base).digest("base64");
}
