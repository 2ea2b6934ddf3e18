import { createHmac } from "node:crypto";
import OAuth1 from "oauth-1.0a";
import type { SafeFetcher, SafeRequestOptions, SafeResponse } from "../net/safe-request";

/** A consumer key and secret some server issued to us. */
export interface RemoteCredentials {
  client_id: string;
  client_secret: string;
}

/** An OAuth token and secret (3-legged requests: the proxy, remote login). */
export interface RemoteToken {
  token: string;
  token_secret: string;
}

export interface SignedRequestOptions extends SafeRequestOptions {
  /** Omitted: 2-legged (consumer only), as server-to-server requests are. */
  token?: RemoteToken;
  /** Extra protocol parameters sent in the header and signed (`oauth_callback`, `oauth_verifier`). */
  oauthParams?: Record<string, string>;
}

/**
 * The `Authorization: OAuth …` header for a request (OAuth 1.0a,
 * HMAC-SHA1). Form bodies (`application/x-www-form-urlencoded`) are part of
 * the signature, other bodies are not (RFC 5849 §3.4.1.3); query
 * parameters always are.
 */
export function oauthHeader(creds: RemoteCredentials, method: string, url: string, options: SignedRequestOptions = {}): string {
  const signer = new OAuth1({
    consumer: { key: creds.client_id, secret: creds.client_secret },
    signature_method: "HMAC-SHA1",
    hash_function: (base, key) => createHmac("sha1", key).update(base).digest("base64"),
  });
  const contentType = Object.entries(options.headers ?? {}).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  const form = /^application\/x-www-form-urlencoded/i.test(contentType) && options.body !== undefined ? Object.fromEntries(new URLSearchParams(options.body.toString())) : {};
  const extra = options.oauthParams ?? {};
  const auth = signer.authorize(
    { url: new URL(url).href, method: method.toUpperCase(), data: { ...form, ...extra } },
    options.token ? { key: options.token.token, secret: options.token.token_secret } : undefined,
  );
  // The library copies oauth_* parameters of `data` into the header: one sent
  // in the form body must not be sent (and so signed) a second time there.
  const header: Record<string, unknown> = { ...auth };
  for (const k of Object.keys(form)) if (!(k in extra)) delete header[k];
  return signer.toHeader({ ...(header as unknown as typeof auth), ...extra }).Authorization;
}

/** Sends a request signed with `creds` (and `token`, if given) through the safe fetcher. */
export function signedRequest(fetcher: SafeFetcher, creds: RemoteCredentials, url: string, options: SignedRequestOptions = {}): Promise<SafeResponse> {
  const method = options.method ?? "GET";
  const { token: _token, oauthParams: _params, ...rest } = options;
  return fetcher.request(url, {
    ...rest,
    method,
    // A signature covers one URL: a redirect could only fail, or leak the request elsewhere.
    maxRedirects: options.maxRedirects ?? 0,
    headers: { ...options.headers, Authorization: oauthHeader(creds, method, url, options) },
  });
}
