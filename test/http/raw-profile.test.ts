import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rawProfileTakes } from "../../lib/http/raw-profile";
import { createClient } from "../../lib/oauth/clients";
import { startTestServer, type TestServer } from "../support/server";
import { rawRequest, type RawAnswer } from "../support/raw-http";
import { oauthClient, registerClient, registerUser, type ClientCreds, type SignOptions } from "../support/oauth-client";

let server: TestServer;
let client: ClientCreds;
let host: string;
const PROFILE = "/api/user/alice/profile";

before(async () => {
  server = await startTestServer();
  host = new URL(server.url).host;
  client = await registerClient(server.url, { application_name: "raw profile test" });
  await registerUser(server.url, client, "alice", "alice*pass*2024");
});
after(() => server.close());

type Raw = RawAnswer;

/** One request on its own connection (to `port`, default this server's). */
function raw(path: string, headers: string[] = [], opts: { method?: string; port?: number; host?: string } = {}): Promise<Raw> {
  return rawRequest(opts.port ?? server.port, opts.host ?? host, path, headers, opts.method);
}

/** A fresh 2-legged OAuth header for `path`, signed by the real `oauth` client. */
function signed(path: string, opts: SignOptions & { as?: ClientCreds; method?: string } = {}): string {
  const oa = oauthClient(server.url, opts.as ?? client, opts);
  return `Authorization: ${oa.authHeader(server.url + path, null as unknown as string, null as unknown as string, opts.method ?? "GET")}`;
}

/**
 * The same request without and with a cookie (which keeps it off the fast
 * lane, and changes nothing else): status, header lines in order and body equal.
 */
async function assertSameAnswer(path: string, headers: () => string[], method?: string): Promise<Raw> {
  const fast = await raw(path, headers(), { method });
  const full = await raw(path, [...headers(), "Cookie: unrelated=1"], { method });
  assert.deepEqual(fast.headers, full.headers, path);
  assert.equal(fast.body.toString("base64"), full.body.toString("base64"), path);
  return fast;
}

test("the raw profile path takes plain 2-legged reads only", () => {
  const oauth = signed(PROFILE).slice("Authorization: ".length);
  const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers: { authorization: oauth, ...headers } });
  assert.equal(rawProfileTakes(req(PROFILE)), "alice");
  assert.equal(rawProfileTakes(req(PROFILE, { accept: "application/json" })), "alice");
  assert.equal(rawProfileTakes(req(`${PROFILE}?x=1`)), null);
  assert.equal(rawProfileTakes(req("/api/user/alice")), null);
  assert.equal(rawProfileTakes(req(`${PROFILE}/`)), null);
  assert.equal(rawProfileTakes(req(PROFILE, { accept: "application/activity+json" })), null);
  assert.equal(rawProfileTakes(req(PROFILE, { "if-none-match": 'W/"x"' })), null);
  assert.equal(rawProfileTakes(req(PROFILE, { "x-forwarded-proto": "https" })), null);
  assert.equal(rawProfileTakes(req(PROFILE, { authorization: "Bearer abc" })), null);
  assert.equal(rawProfileTakes(req(PROFILE, { authorization: 'OAuth oauth_token="t", oauth_consumer_key="k"' })), null);
  assert.equal(rawProfileTakes(req(PROFILE, { authorization: "OAuth garbage" })), null);
  assert.equal(rawProfileTakes({ url: PROFILE, headers: {} }), null);
});

test("raw profile: the answer and its refusals are the Express lane's bytes", async () => {
  const ok = await assertSameAnswer(PROFILE, () => [signed(PROFILE)]);
  assert.equal(ok.status, 200);
  assert.ok(ok.headers.includes("Vary: Accept, Accept-Encoding"), ok.headers.join("\n"));
  assert.equal((JSON.parse(ok.body.toString()) as { preferredUsername: string }).preferredUsername, "alice");
  await assertSameAnswer(PROFILE, () => [signed(PROFILE), "Accept-Encoding: gzip", "Accept: application/json", "X-Request-Id: raw-profile-1"]);
  // Unknown user: the error handler's JSON 404.
  assert.equal((await assertSameAnswer("/api/user/nobody/profile", () => [signed("/api/user/nobody/profile")])).status, 404);
  // Refusals of the signature check: OAuth's plain-text answers (and PLAINTEXT over http as JSON).
  const forged = await assertSameAnswer(PROFILE, () => [signed(PROFILE).replace(/oauth_signature="[^"]*"/, 'oauth_signature="forged"')]);
  assert.equal(forged.status, 400);
  assert.equal(forged.body.toString(), "Invalid signature");
  const stranger = { client_id: "no-such-consumer", client_secret: "whatever" };
  assert.equal((await assertSameAnswer(PROFILE, () => [signed(PROFILE, { as: stranger })])).status, 400);
  const stale = await assertSameAnswer(PROFILE, () => [signed(PROFILE, { timestamp: () => Math.floor(Date.now() / 1000) - 3600 })]);
  assert.equal(stale.status, 401);
  assert.match(stale.body.toString(), /Timestamp/);
  const plain = await assertSameAnswer(PROFILE, () => [signed(PROFILE, { signatureMethod: "PLAINTEXT" })]);
  assert.equal(plain.status, 401);
  assert.match(plain.headers.find((h) => h.startsWith("Content-Type:"))!, /json/);
  const missing = await assertSameAnswer(PROFILE, () => ['Authorization: OAuth oauth_consumer_key="x"']);
  assert.equal(missing.status, 400);
  // Signed for another path: a bad signature here.
  assert.equal((await assertSameAnswer(PROFILE, () => [signed("/api/user/bob/profile")])).status, 400);
  // Another method on the same path is the full stack's on both sides.
  assert.equal((await assertSameAnswer(PROFILE, () => [signed(PROFILE, { method: "DELETE" })], "DELETE")).status, 404);
});

test("raw profile: a replayed nonce is refused, the same bytes as the Express lane's refusal", async () => {
  const nonce = () => `raw-replay-${Math.random()}`;
  let header = "";
  const fresh = () => (header = signed(PROFILE, { nonce }));
  assert.equal((await raw(PROFILE, [fresh()])).status, 200);
  const fastReplay = await raw(PROFILE, [header]);
  assert.equal(fastReplay.status, 401);
  assert.equal(fastReplay.body.toString(), "Invalid / used nonce");
  assert.equal((await raw(PROFILE, [fresh(), "Cookie: unrelated=1"])).status, 200);
  const fullReplay = await raw(PROFILE, [header, "Cookie: unrelated=1"]);
  assert.deepEqual(fastReplay.headers, fullReplay.headers);
  assert.equal(fastReplay.body.toString(), fullReplay.body.toString());
});

test("raw profile: a nonce used on one worker is refused by another on the same database", async () => {
  const other = await startTestServer(["--datadir", server.datadir, "--controlSocket", `${server.datadir}/other.socket`]);
  try {
    // The same consumer, timestamp and nonce, signed for each server's own URL.
    const ts = Math.floor(Date.now() / 1000);
    const sign = (base: string) => oauthClient(base, client, { timestamp: () => ts, nonce: () => "shared-nonce" }).authHeader(base + PROFILE, null as unknown as string, null as unknown as string, "GET");
    assert.equal((await raw(PROFILE, [`Authorization: ${sign(server.url)}`])).status, 200);
    const replay = await raw(PROFILE, [`Authorization: ${sign(other.url)}`], { port: other.port, host: new URL(other.url).host });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.toString(), "Invalid / used nonce");
  } finally {
    await other.close().catch(() => undefined);
  }
});

test("raw profile: a Dialback-registered client reads as its remote person, as on the Express lane", async () => {
  const remote = await createClient(server.worker.bank, { webfinger: "bob@remote.example" });
  const as = { client_id: remote.consumer_key, client_secret: remote.secret };
  const ok = await assertSameAnswer(PROFILE, () => [signed(PROFILE, { as })]);
  assert.equal(ok.status, 200);
});
