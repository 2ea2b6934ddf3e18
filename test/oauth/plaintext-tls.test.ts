// PLAINTEXT signatures send the secrets themselves, so RFC 5849 §3.4.4
// allows them only over TLS: refused on plain HTTP (401 naming the reason),
// accepted on HTTPS, and on HTTP behind a trusted proxy that says the
// client spoke HTTPS (X-Forwarded-Proto), never on a header alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, getRequestToken, OAuthRequestError, registerClient, registerUser, signedRequest, userCreds, type ClientCreds } from "../support/oauth-client";

const PASSWORD = "white*rabbit";
const PLAIN = { signatureMethod: "PLAINTEXT" as const };
const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const r = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return { key, cert };
}

function assertPlaintextRefused(res: { status: number; headers: Record<string, unknown>; body: unknown }): void {
  assert.equal(res.status, 401);
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  assert.match((res.body as { error: string }).error, /PLAINTEXT.*HTTPS/);
}

test("PLAINTEXT: refused over plain HTTP with 401 naming the reason, accepted over HTTPS (a real TLS server)", async (t) => {
  const server = await startTestServer();
  try {
    const client = await registerClient(server.url);
    const alice = await registerUser(server.url, client, "alice", PASSWORD);
    // The request token endpoint, a 2-legged and a 3-legged API request.
    await assert.rejects(getRequestToken(server.url, client, { ...PLAIN, callback: "oob" }), (err: OAuthRequestError) => {
      assert.equal(err.statusCode, 401);
      assert.match(JSON.parse(err.data).error, /PLAINTEXT.*HTTPS/);
      return true;
    });
    assertPlaintextRefused(await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "bob", password: PASSWORD }, PLAIN));
    assertPlaintextRefused(await signedRequest(server.url, userCreds(client, alice.token), "GET", "/api/whoami", undefined, PLAIN));
    assert.equal((await signedRequest(server.url, userCreds(client, alice.token), "GET", "/api/whoami")).status, 302);
    // Nothing was stored by the refused registration.
    assert.equal((await signedRequest(server.url, clientCreds(client), "GET", "/api/user/bob")).status, 404);
  } finally {
    await server.close();
  }
  if (!haveOpenssl) return t.skip("no openssl CLI for the HTTPS half");

  const dir = mkdtempSync(join(tmpdir(), "pump-tls-"));
  const { key, cert } = selfSigned(dir);
  // The `oauth` client uses the global agent: trust our certificate there.
  const before = https.globalAgent.options.ca;
  https.globalAgent.options.ca = readFileSync(cert);
  const client: ClientCreds = { client_id: "tls-client-id", client_secret: "tls-client-secret-long-enough" };
  let tls: TestServer | undefined;
  try {
    tls = await startTestServer(["--key", key, "--cert", cert, "--clients", JSON.stringify([client])]);
    const base = `https://127.0.0.1:${tls.port}`;
    const rt = await getRequestToken(base, client, { ...PLAIN, callback: "oob" });
    assert.ok(rt.token);
    const reg = await signedRequest(base, clientCreds(client), "POST", "/api/users", { nickname: "carol", password: PASSWORD }, PLAIN);
    assert.equal(reg.status, 200, reg.text);
    const whoami = await signedRequest(base, userCreds(client, { token: reg.body.token, secret: reg.body.secret }), "GET", "/api/whoami", undefined, PLAIN);
    assert.equal(whoami.status, 302);
    assert.match(String(whoami.headers.location), /\/api\/user\/carol\b/);
  } finally {
    https.globalAgent.options.ca = before;
    await tls?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("X-Forwarded-Proto: https allows PLAINTEXT only from a trusted proxy (trustProxy)", async () => {
  const viaProxy = { ...PLAIN, headers: { "X-Forwarded-Proto": "https" } };
  const trusting = await startTestServer(["--trust-proxy", "loopback"]);
  try {
    const client = await registerClient(trusting.url);
    const dan = await registerUser(trusting.url, client, "dan", PASSWORD);
    assert.equal((await signedRequest(trusting.url, userCreds(client, dan.token), "GET", "/api/whoami", undefined, viaProxy)).status, 302);
    // The proxy forwarding a plain-HTTP request: refused.
    const plainHop = { ...PLAIN, headers: { "X-Forwarded-Proto": "http" } };
    assertPlaintextRefused(await signedRequest(trusting.url, userCreds(client, dan.token), "GET", "/api/whoami", undefined, plainHop));
  } finally {
    await trusting.close();
  }
  const untrusting = await startTestServer();
  try {
    const client = await registerClient(untrusting.url);
    const erin = await registerUser(untrusting.url, client, "erin", PASSWORD);
    assertPlaintextRefused(await signedRequest(untrusting.url, userCreds(client, erin.token), "GET", "/api/whoami", undefined, viaProxy));
  } finally {
    await untrusting.close();
  }
});
