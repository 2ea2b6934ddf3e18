/**
 * The OAuth 1.0a test client: every API test signs its requests with the real
 * `oauth` npm package through these helpers (never by hand).
 *
 *   const client = await registerClient(server.url);
 *   const alice = await registerUser(server.url, client, "alice", "white*rabbit");
 *   const res = await signedRequest(server.url, userCreds(client, alice), "GET", "/api/user/alice/inbox");
 *   assert.equal(res.status, 200);
 *
 * `getAccessToken` does the whole three-legged dance over HTTP, as a browser
 * and a client application would.
 */
import { OAuth } from "oauth";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { settle } from "./settle";

/** A registered client's credentials, as POST /api/client/register answers them. */
export interface ClientCreds {
  client_id: string;
  client_secret: string;
}

/** An access token pair. */
export interface TokenPair {
  token: string;
  secret: string;
}

/** What to sign with: a client, plus a token pair for 3-legged requests. */
export interface Creds {
  client: ClientCreds;
  token?: TokenPair | null;
}

/** An HTTP answer: status, headers, and the body parsed as JSON when it is JSON, else text. */
export interface TestResponse<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  text: string;
}

export interface SignOptions {
  /** "HMAC-SHA1" (default) or "PLAINTEXT". */
  signatureMethod?: "HMAC-SHA1" | "PLAINTEXT";
  /** Extra request headers (e.g. Accept). */
  headers?: OutgoingHttpHeaders;
  /** Send the body form-encoded (signed) instead of JSON (not signed). */
  form?: boolean;
  /** Test hooks: override the client's clock (Unix seconds) or nonce, e.g. to replay a request. */
  timestamp?: () => number;
  nonce?: () => string;
}

/** Creds for a 2-legged request. */
export function clientCreds(client: ClientCreds): Creds {
  return { client, token: null };
}

/** Creds for a 3-legged request. */
export function userCreds(client: ClientCreds, token: TokenPair): Creds {
  return { client, token };
}

/** A configured `oauth` client for this server; redirects are not followed. */
export function oauthClient(baseUrl: string, client: ClientCreds, opts: SignOptions & { callback?: string } = {}): OAuth {
  const headers: OutgoingHttpHeaders = { Accept: "*/*", Connection: "close", "User-Agent": "pump.io tests", ...opts.headers };
  const oa = new OAuth(
    `${baseUrl}/oauth/request_token`,
    `${baseUrl}/oauth/access_token`,
    client.client_id,
    client.client_secret,
    "1.0",
    opts.callback ?? "oob",
    opts.signatureMethod ?? "HMAC-SHA1",
    undefined,
    headers,
  );
  oa.setClientOptions({ requestTokenHttpMethod: "POST", accessTokenHttpMethod: "POST", followRedirects: false });
  const hooks = oa as unknown as { _getTimestamp: () => number; _getNonce: (n: number) => string };
  if (opts.timestamp) hooks._getTimestamp = opts.timestamp;
  if (opts.nonce) hooks._getNonce = opts.nonce;
  return oa;
}

function toResponse(data: string | Buffer | undefined, response: IncomingMessage | undefined, err?: { statusCode?: number }): TestResponse {
  const text = data === undefined ? "" : data.toString();
  const headers = response?.headers ?? {};
  let body: unknown = text;
  if (/json/.test(String(headers["content-type"] ?? "")) && text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response?.statusCode ?? err?.statusCode ?? 0, headers, body, text };
}

/**
 * Sends a request signed by the `oauth` package: 2-legged when `creds.token`
 * is absent, else 3-legged. `body` goes as JSON (not part of the signature)
 * unless `opts.form`. Never rejects on an HTTP status: check `status`.
 */
export async function signedRequest<T = any>(
  baseUrl: string,
  creds: Creds,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  opts: SignOptions = {},
): Promise<TestResponse<T>> {
  await settle(baseUrl);
  const oa = oauthClient(baseUrl, creds.client, opts);
  const url = baseUrl + path;
  const token = creds.token?.token ?? (null as unknown as string);
  const secret = creds.token?.secret ?? (null as unknown as string);
  return new Promise((resolve, reject) => {
    const done = (err: any, data?: string | Buffer, response?: IncomingMessage): void => {
      if (err && !response && !(typeof err.statusCode === "number")) reject(err);
      else resolve(toResponse(data, response, err) as TestResponse<T>);
    };
    if (method === "GET") oa.get(url, token, secret, done);
    else if (method === "DELETE") oa.delete(url, token, secret, done);
    else {
      const [payload, type] = opts.form
        ? [(body ?? {}) as Record<string, string>, undefined]
        : [body === undefined ? "" : JSON.stringify(body), "application/json"];
      const send = method === "POST" ? oa.post.bind(oa) : oa.put.bind(oa);
      (send as (...a: unknown[]) => void)(url, token, secret, payload, type, done);
    }
  });
}

/** An unsigned request (a browser's), redirects not followed. Form bodies for objects unless `json`. */
export async function plainRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: Record<string, string> | unknown,
  opts: { json?: boolean; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { Accept: "text/html,*/*", ...opts.headers };
  let payload: string | undefined;
  if (body !== undefined) {
    if (opts.json) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body as Record<string, string>).toString();
    }
  }
  await settle(baseUrl);
  const res = await fetch(baseUrl + path, { method, headers, body: payload, redirect: "manual" });
  const text = await res.text();
  const h: IncomingHttpHeaders = {};
  res.headers.forEach((v, k) => {
    h[k] = v;
  });
  let parsed: unknown = text;
  if (/json/.test(res.headers.get("content-type") ?? "") && text !== "") parsed = JSON.parse(text);
  return { status: res.status, headers: h, body: parsed, text };
}

/** POST /api/client/register with `type=client_associate` (form-encoded, as remote pumps do). */
export async function registerClient(baseUrl: string, props: Record<string, string> = {}): Promise<ClientCreds> {
  const res = await plainRequest(baseUrl, "POST", "/api/client/register", { type: "client_associate", ...props });
  if (res.status !== 200) throw new Error(`client registration failed: ${res.status} ${res.text}`);
  const { client_id, client_secret } = res.body as ClientCreds;
  return { client_id, client_secret };
}

/** A registered user: the server's User JSON plus the access token pair it returned. */
export interface RegisteredUser {
  user: any;
  token: TokenPair;
}

/** POST /api/users, 2-legged; throws unless 200. */
export async function registerUser(
  baseUrl: string,
  client: ClientCreds,
  nickname: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<RegisteredUser> {
  const res = await signedRequest(baseUrl, clientCreds(client), "POST", "/api/users", { nickname, password, ...extra });
  if (res.status !== 200) throw new Error(`registration of ${nickname} failed: ${res.status} ${res.text}`);
  const { token, secret, ...user } = res.body;
  return { user, token: { token, secret } };
}

/** POST /oauth/request_token. */
export function getRequestToken(baseUrl: string, client: ClientCreds, opts: SignOptions & { callback?: string } = {}): Promise<TokenPair> {
  const oa = oauthClient(baseUrl, client, opts);
  return new Promise((resolve, reject) => {
    oa.getOAuthRequestToken((err, token, secret) => (err ? reject(asError("request token", err)) : resolve({ token, secret })));
  });
}

/** POST /oauth/access_token for an authorized request token. */
export function exchangeRequestToken(
  baseUrl: string,
  client: ClientCreds,
  requestToken: TokenPair,
  verifier: string,
  opts: SignOptions = {},
): Promise<TokenPair> {
  const oa = oauthClient(baseUrl, client, opts);
  return new Promise((resolve, reject) => {
    oa.getOAuthAccessToken(requestToken.token, requestToken.secret, verifier, (err, token, secret) =>
      err ? reject(asError("access token", err)) : resolve({ token, secret }),
    );
  });
}

/** An OAuth endpoint refusal as an Error carrying `statusCode` and `data`. */
export class OAuthRequestError extends Error {
  constructor(
    what: string,
    readonly statusCode: number,
    readonly data: string,
  ) {
    super(`${what} refused: ${statusCode} ${data}`);
  }
}

function asError(what: string, err: Error | { statusCode: number; data?: unknown }): Error {
  if (err instanceof Error) return err;
  return new OAuthRequestError(what, err.statusCode, String(err.data ?? ""));
}

/** The `value` of the element with this id in an HTML page (inputs), or its text (table cells). */
export function elementValue(html: string, id: string): string | null {
  const input = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(html);
  if (input) return /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? null;
  return new RegExp(`<[a-z]+[^>]*\\bid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1] ?? null;
}

/**
 * The browser part of the dance: open the authorize page, log in, approve.
 * Returns the verifier (from the 303 Location for a callback URL, from the
 * page for `oob`, or from the 302 when the user approved this client before).
 */
export async function authorizeInBrowser(baseUrl: string, requestToken: TokenPair, nickname: string, password: string): Promise<string> {
  const page = await plainRequest(baseUrl, "GET", `/oauth/authorize?oauth_token=${encodeURIComponent(requestToken.token)}`);
  if (page.status !== 200 || !page.text.includes('id="oauth-authentication"')) throw new Error(`no login form: ${page.status}`);
  const login = await plainRequest(baseUrl, "POST", "/oauth/authorize", { oauth_token: requestToken.token, username: nickname, password });
  if (login.status === 302) return verifierFromLocation(login.headers.location as string);
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  if (login.text.includes('id="oauth-authentication"')) throw new Error("login form shown again");
  const verifierOnPage = elementValue(login.text, "verifier");
  if (!login.text.includes('id="authorize"')) {
    if (verifierOnPage) return verifierOnPage; // oob "Authorization Complete" page
    throw new Error("no authorize form");
  }
  const approved = await plainRequest(baseUrl, "POST", "/oauth/authorize", {
    oauth_token: elementValue(login.text, "oauth_token") ?? "",
    verifier: verifierOnPage ?? "",
  });
  if (approved.status === 303) return verifierFromLocation(approved.headers.location as string);
  const v = approved.status === 200 ? elementValue(approved.text, "verifier") : null;
  if (!v) throw new Error(`approval failed: ${approved.status}`);
  return v;
}

function verifierFromLocation(location: string): string {
  const v = new URL(location).searchParams.get("oauth_verifier");
  if (!v) throw new Error(`no oauth_verifier in ${location}`);
  return v;
}

/** Callback URL used by getAccessToken: never fetched (redirects are not followed). */
export const TEST_CALLBACK = "http://localhost/oauth-callback";

/** The full three-legged dance over HTTP: request token, login, approve, access token. */
export async function getAccessToken(
  baseUrl: string,
  client: ClientCreds,
  nickname: string,
  password: string,
  opts: SignOptions & { callback?: string } = {},
): Promise<TokenPair> {
  const rt = await getRequestToken(baseUrl, client, { callback: TEST_CALLBACK, ...opts });
  const verifier = await authorizeInBrowser(baseUrl, rt, nickname, password);
  return exchangeRequestToken(baseUrl, client, rt, verifier, opts);
}
