import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import helmet from "helmet";
import { fastLaneAccepts } from "../../lib/http/fast-lane";
import { fixedHeaders, securityHeaders } from "../../lib/http/security";
import { disableUser } from "../../lib/model/user-disable";
import { startTestServer, type TestServer } from "../support/server";
import { rawRequest, type RawAnswer } from "../support/raw-http";
import { oauthClient, registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type RegisteredUser } from "../support/oauth-client";

let server: TestServer;
let client: ClientCreds;
let alice: RegisteredUser;
let host: string;

before(async () => {
  server = await startTestServer();
  host = new URL(server.url).host;
  client = await registerClient(server.url, { application_name: "fast lane test" });
  alice = await registerUser(server.url, client, "alice", "alice*pass*2024");
  await registerUser(server.url, client, "bob", "bob*pass*2024");
});
after(() => server.close());

type Raw = RawAnswer;

/** One request on its own connection, the answer as raw bytes (header order included). */
function raw(path: string, headers: string[] = []): Promise<Raw> {
  return rawRequest(server.port, host, path, headers);
}

/** A fresh 2-legged (or, with `token`, 3-legged) OAuth header for GET `path`. */
function signed(path: string, token?: { token: string; secret: string }): string {
  return `Authorization: ${oauthClient(server.url, client).authHeader(server.url + path, token?.token ?? (null as unknown as string), token?.secret ?? (null as unknown as string), "GET")}`;
}

/**
 * The same request through the fast lane and through the full stack (a
 * cookie that is no session's keeps a request off the lane and changes
 * nothing else): status, header lines in order and body must be equal.
 * `headers` builds the request's headers afresh for each (nonces are single-use).
 */
async function assertSameAnswer(path: string, headers: () => string[] = () => []): Promise<Raw> {
  const fast = await raw(path, headers());
  const full = await raw(path, [...headers(), "Cookie: unrelated=1"]);
  assert.deepEqual(fast.headers, full.headers, path);
  assert.equal(fast.body.toString("base64"), full.body.toString("base64"), path);
  return fast;
}

const webfinger = (resource: string) => `/.well-known/webfinger?resource=${encodeURIComponent(resource)}`;
const PROFILE = "/api/user/alice/profile";

test("the fast lane takes only bodiless, cookieless GETs of profiles and WebFinger", () => {
  const req = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers }) as unknown as IncomingMessage;
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/profile")), true);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/profile?x=1")), true);
  assert.equal(fastLaneAccepts(req("GET", "/.well-known/webfinger?resource=acct:a@b")), true);
  assert.equal(fastLaneAccepts(req("HEAD", "/api/user/alice/profile")), false);
  assert.equal(fastLaneAccepts(req("PUT", "/api/user/alice/profile")), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/profile", { cookie: "a=b" })), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/profile", { "content-length": "0" })), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/profile", { "transfer-encoding": "chunked" })), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice")), true);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/alice/feed")), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/users")), false);
  assert.equal(fastLaneAccepts(req("GET", "/api/user/al%69ce/profile")), false);
  assert.equal(fastLaneAccepts(req("GET", "/.well-known/host-meta")), false);
});

test("fixed security headers are helmet's, set and removed in the same order", () => {
  const record = () => {
    const ops: string[] = [];
    return { ops, res: { setHeader: (n: string, v: unknown) => ops.push(`${n}: ${String(v)}`), removeHeader: (n: string) => ops.push(`-${n}`), getHeader: () => undefined } };
  };
  const a = record();
  const b = record();
  helmet({ frameguard: { action: "deny" } })({} as never, a.res as never, () => undefined);
  fixedHeaders(helmet({ frameguard: { action: "deny" } }))({} as never, b.res as never, () => undefined);
  assert.ok(a.ops.length > 5);
  assert.deepEqual(b.ops, a.ops);
  // A middleware that reads the request is used as it is.
  const reads = (req: { headers: Record<string, string> }, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader("X-Echo", req.headers["x-in"] ?? "");
    next();
  };
  const c = record();
  fixedHeaders(reads as never)({ headers: { "x-in": "hello" } } as never, c.res as never, () => undefined);
  assert.deepEqual(c.ops, ["X-Echo: hello"]);
  assert.equal(typeof securityHeaders({ host: "example.com", https: true, hsts: true }), "function");
});

test("WebFinger: the fast lane answers the full stack's bytes", async () => {
  const ok = await assertSameAnswer(webfinger(`acct:alice@${host}`));
  assert.equal(ok.status, 200);
  assert.ok(ok.headers.includes("Access-Control-Allow-Origin: *"));
  assert.ok(ok.headers.some((h) => h.startsWith("Content-Security-Policy: ")));
  assert.ok(ok.headers.some((h) => h.startsWith("ETag: ")));
  assert.equal((JSON.parse(ok.body.toString()) as { links: unknown[] }).links.length, 10);
  await assertSameAnswer(webfinger(`acct:alice@${host}`), () => ["Accept-Encoding: gzip"]);
  assert.equal((await assertSameAnswer(webfinger(`acct:nobody@${host}`))).status, 404);
  assert.equal((await assertSameAnswer("/.well-known/webfinger")).status, 400);
  assert.equal((await assertSameAnswer("/.well-known/webfinger?resource=a&resource=b")).status, 400);
  assert.equal((await assertSameAnswer(webfinger("acct:alice@elsewhere.example"))).status, 404);
  // A client that has the document already gets a 304, as from the full stack.
  const etag = ok.headers.find((h) => h.startsWith("ETag: "))!.slice(6);
  assert.equal((await assertSameAnswer(webfinger(`acct:alice@${host}`), () => [`If-None-Match: ${etag}`])).status, 304);
});

test("WebFinger without Express: odd resources, request ids and refusals answer the full stack's bytes", async () => {
  await assertSameAnswer(`/.well-known/webfinger?resource=acct:alice@${host}`);
  await assertSameAnswer(`/.well-known/webfinger?resource=ACCT%3Aalice%40${encodeURIComponent(host)}`);
  await assertSameAnswer(`/.well-known/webfinger?resource=acct:ali+ce@${host}`);
  await assertSameAnswer("/.well-known/webfinger?resource=%E0%A4%A");
  await assertSameAnswer("/.well-known/webfinger?resource=");
  await assertSameAnswer("/.well-known/webfinger?resource");
  await assertSameAnswer("/.well-known/webfinger?resource[a]=b");
  await assertSameAnswer(webfinger(`${server.url}/api/user/alice/profile`));
  await assertSameAnswer(webfinger(`${server.url}/alice`));
  await assertSameAnswer(webfinger(`${server.url}/api/note/nothing-here`));
  await assertSameAnswer(webfinger(`acct:bob@${host}`), () => ["Accept-Encoding: gzip", "Accept: application/xrd+xml"]);
  // A document over compression's threshold (a long nickname), plain and gzipped.
  const long = "abcdefghijklmnopqrstuvwxyz0123456789";
  await registerUser(server.url, client, long, "long*pass*2024");
  const big = await assertSameAnswer(webfinger(`acct:${long}@${host}`));
  assert.ok(big.body.length >= 1024, String(big.body.length));
  const gz = await assertSameAnswer(webfinger(`acct:${long}@${host}`), () => ["Accept-Encoding: gzip"]);
  assert.ok(gz.headers.includes("Content-Encoding: gzip"));
  // A user's document is the same on every read (kept once made).
  await assertSameAnswer(webfinger(`acct:${long}@${host}`));
  const echoed = await raw(webfinger(`acct:alice@${host}`), ["X-Request-Id: raw-lane-1"]);
  assert.equal(echoed.status, 200);
  assert.ok(echoed.headers.includes("X-Request-Id: *"));
  const full = await raw(webfinger(`acct:alice@${host}`), ["X-Request-Id: raw-lane-1", "Cookie: unrelated=1"]);
  assert.deepEqual(echoed.headers, full.headers);
});

test("profile: the fast lane answers the full stack's bytes, 2- and 3-legged", async () => {
  const two = await assertSameAnswer(PROFILE, () => [signed(PROFILE)]);
  assert.equal(two.status, 200);
  assert.equal((JSON.parse(two.body.toString()) as { preferredUsername: string }).preferredUsername, "alice");
  assert.equal((await assertSameAnswer(PROFILE, () => [signed(PROFILE, alice.token)])).status, 200);
  await assertSameAnswer(PROFILE, () => [signed(PROFILE), "Accept-Encoding: gzip, deflate"]);
  await assertSameAnswer(PROFILE, () => [signed(PROFILE), "Accept: application/activity+json"]);
  assert.equal((await assertSameAnswer("/api/user/nobody/profile", () => [signed("/api/user/nobody/profile")])).status, 404);
  assert.equal((await assertSameAnswer(PROFILE)).status, 401);
  const forged = () => [signed(PROFILE).replace(/oauth_signature="[^"]*"/, 'oauth_signature="forged"')];
  assert.equal((await assertSameAnswer(PROFILE, forged)).status, 400);
});

test("user: the fast lane answers the full stack's bytes", async () => {
  const path = "/api/user/alice";
  const ok = await assertSameAnswer(path, () => [signed(path)]);
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body.toString()) as { nickname: string }).nickname, "alice");
  assert.equal((await assertSameAnswer(path, () => [signed(path, alice.token)])).status, 200);
  assert.equal((await assertSameAnswer("/api/user/nobody", () => [signed("/api/user/nobody")])).status, 404);
  assert.equal((await assertSameAnswer(path)).status, 401);
});

test("profile: a replayed nonce is refused on the fast lane", async () => {
  const header = signed(PROFILE);
  assert.equal((await raw(PROFILE, [header])).status, 200);
  const replay = await raw(PROFILE, [header]);
  assert.equal(replay.status, 401);
  assert.match(replay.body.toString(), /nonce/i);
});

test("profile: an update is visible on the next fast-lane read", async () => {
  const creds = userCreds(client, alice.token);
  for (const name of ["Alice One", "Alice Two"]) {
    const put = await signedRequest(server.url, creds, "PUT", PROFILE, { objectType: "person", displayName: name });
    assert.equal(put.status, 200);
    const read = await raw(PROFILE, [signed(PROFILE)]);
    assert.equal((JSON.parse(read.body.toString()) as { displayName: string }).displayName, name);
  }
});

test("profile: a disabled account's tokens are refused on the fast lane as on the full stack", async () => {
  const carol = await registerUser(server.url, client, "carol", "carol*pass*2024");
  await disableUser(server.worker.bank, "carol", "spam");
  const path = "/api/user/carol/profile";
  assert.equal((await assertSameAnswer(path, () => [signed(path, carol.token)])).status, 403);
  // What a 2-legged reader of the disabled account's profile gets is the full stack's answer too.
  await assertSameAnswer(path, () => [signed(path)]);
});

test("a lane path as long as /.well-known/webfinger is not taken for WebFinger", async () => {
  // "/api/user/erin/profile" has the 22 characters of "/.well-known/webfinger".
  await registerUser(server.url, client, "erin", "erin*pass*2024");
  for (const path of ["/api/user/erin/profile", "/api/user/abcdefghijkl"]) {
    assert.equal(path.length, "/.well-known/webfinger".length);
    const res = await raw(path, [signed(path)]);
    assert.equal(res.status, path.endsWith("profile") ? 200 : 404, `${path}: ${res.body.toString()}`);
    assert.doesNotMatch(res.body.toString(), /resource parameter/);
  }
});
