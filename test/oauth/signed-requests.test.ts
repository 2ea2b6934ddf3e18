import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type TokenPair } from "../support/oauth-client";

const PASSWORD = "white*rabbit";

describe("signed API requests", () => {
  let server: TestServer;
  let client: ClientCreds;
  let alice: TokenPair;
  before(async () => {
    server = await startTestServer();
    client = await registerClient(server.url);
    alice = (await registerUser(server.url, client, "alice", PASSWORD)).token;
  });
  after(() => server.close());

  const nowS = (): number => Math.floor(Date.now() / 1000);

  it("refuses a replayed nonce with 401, 2-legged and 3-legged", async () => {
    for (const creds of [clientCreds(client), userCreds(client, alice)]) {
      const nonce = `replay-${Math.random()}`;
      const ts = nowS();
      const opts = { nonce: () => nonce, timestamp: () => ts };
      const first = await signedRequest(server.url, creds, "GET", "/api/user/alice", undefined, opts);
      assert.equal(first.status, 200);
      const again = await signedRequest(server.url, creds, "GET", "/api/user/alice", undefined, opts);
      assert.equal(again.status, 401);
      assert.equal(again.text, "Invalid / used nonce");
      assert.equal(again.headers["www-authenticate"], 'OAuth realm="OAuth"');
    }
  });

  it("accepts the same nonce with another timestamp", async () => {
    const nonce = `same-${Math.random()}`;
    // One reference second: with nowS() read per request, a clock tick between them made both timestamps equal.
    const t0 = nowS();
    const a = await signedRequest(server.url, clientCreds(client), "GET", "/api/users", undefined, { nonce: () => nonce, timestamp: () => t0 - 5 });
    const b = await signedRequest(server.url, clientCreds(client), "GET", "/api/users", undefined, { nonce: () => nonce, timestamp: () => t0 - 6 });
    assert.deepEqual([a.status, b.status], [200, 200]);
  });

  it("refuses timestamps more than 5 minutes away with 401", async () => {
    for (const skew of [-3600, +3600]) {
      const res = await signedRequest(server.url, clientCreds(client), "GET", "/api/users", undefined, { timestamp: () => nowS() + skew });
      assert.equal(res.status, 401);
      assert.match(res.text, /Timestamp/);
    }
  });

  it("refuses a bad signature with 400 Invalid signature (client secret or token secret)", async () => {
    const badClient = await signedRequest(server.url, clientCreds({ ...client, client_secret: "wrong" }), "GET", "/api/users");
    assert.equal(badClient.status, 400);
    assert.equal(badClient.text, "Invalid signature");
    const badToken = await signedRequest(server.url, userCreds(client, { ...alice, secret: "wrong" }), "GET", "/api/whoami");
    assert.equal(badToken.status, 400);
    assert.equal(badToken.text, "Invalid signature");
  });

  it("refuses an unknown consumer key with 400 and an unknown token with 400", async () => {
    const c = await signedRequest(server.url, clientCreds({ client_id: "nope", client_secret: "x" }), "GET", "/api/users");
    assert.equal(c.status, 400);
    assert.equal(c.text, "Invalid Consumer Key");
    const t = await signedRequest(server.url, userCreds(client, { token: "nope", secret: "x" }), "GET", "/api/whoami");
    assert.equal(t.status, 400);
    assert.equal(t.text, "Invalid / expired Token");
  });

  it("refuses a token used by another client with 401", async () => {
    const other = await registerClient(server.url);
    const res = await signedRequest(server.url, userCreds(other, alice), "GET", "/api/whoami");
    assert.equal(res.status, 401);
    assert.equal(res.text, "Invalid / expired Token");
  });

  it("refuses a token-signed request to the client-only POST /api/users", async () => {
    const res = await signedRequest(server.url, userCreds(client, alice), "POST", "/api/users", { nickname: "sneaky", password: PASSWORD });
    assert.equal(res.status, 400);
    assert.equal((await signedRequest(server.url, clientCreds(client), "GET", "/api/user/sneaky")).status, 404);
  });

  it("refuses a 2-legged request to a user route with 400 Missing required parameter", async () => {
    const res = await signedRequest(server.url, clientCreds(client), "DELETE", "/api/user/alice");
    assert.equal(res.status, 400);
    assert.equal(res.text, "Missing required parameter");
  });

  it("answers 400 to a malformed OAuth header, 401 JSON to none", async () => {
    const bad = await fetch(`${server.url}/api/users`, { headers: { Authorization: 'OAuth oauth_consumer_key="%zz"' } });
    assert.equal(bad.status, 400);
    const partial = await fetch(`${server.url}/api/users`, { headers: { Authorization: `OAuth oauth_consumer_key="${client.client_id}"` } });
    assert.equal(partial.status, 400);
    assert.equal(await partial.text(), "Missing required parameter");
    const none = await fetch(`${server.url}/api/users`);
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { error: "Not logged in." });
  });

  it("includes query parameters in the signature", async () => {
    const res = await signedRequest(server.url, clientCreds(client), "GET", "/api/users?count=1&offset=0");
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 1);
  });
});

describe("signature base string URL", () => {
  let server: TestServer;
  let client: ClientCreds;
  before(async () => {
    server = await startTestServer(["--redirectToCanonical", "false"]);
    client = await registerClient(server.url);
  });
  after(() => server.close());

  it("is built from the Host header the request carried, not the canonical host", async () => {
    // The client signs for http://127.0.0.1:<port> but sends another Host: the server must notice.
    const res = await signedRequest(server.url, clientCreds(client), "GET", "/api/users", undefined, { headers: { Host: `other.example:${server.port}` } });
    assert.equal(res.status, 400);
    assert.equal(res.text, "Invalid signature");
    assert.equal((await signedRequest(server.url, clientCreds(client), "GET", "/api/users")).status, 200);
  });
});
