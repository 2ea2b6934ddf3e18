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
  let authority: string;
  try {
    authority = new URL(`${scheme}://${rawHost}`).host;
  } catch {
    authority = rawHost.toLowerCase();
  }
  const q = req.originalUrl.indexOf("?");
  const path = q === -1 ? req.originalUrl : req.originalUrl.slice(0, q);
  const prefix = rawHost.toLowerCase() === opts.canonicalHost.toLowerCase() && !underPrefix(path, opts.urlPath) ? opts.urlPath : "";
  return `${scheme}://${authority}${prefix}${path || "/"}`;
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
  const signer = new OAuth1({
    consumer: { key: "", secret: consumerSecret },
    signature_method: method,
    hash_function: method === "HMAC-SHA1" ? hmacSha1 : (_base, key) => key,
  });
  const data: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) data[k] = v.length === 1 ? v[0]! : [...v];
  return signer.getSignature({ url: baseUrl, method: httpMethod, data: {} }, tokenSecret, data as unknown as OAuth1.Data);
}

/** Constant-time check of a received signature against the expected one. */
export function signatureMatches(received: string, expected: string): boolean {
  return safeEqual(received, expected);
}

function hmacSha1(base: string, key: string): string {
  return createHmac("sha1", key).update(base).digest("base64");
}
