import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, registerClient, registerUser, signedRequest, userCreds, type ClientCreds } from "../support/oauth-client";
import { readAccessToken } from "../../lib/oauth/tokens";
import { loginAccount } from "../../lib/oauth/accounts";
import { PasswordCheck } from "../../lib/model/password-check";

const PASSWORD = "white*rabbit";

describe("POST /api/users", () => {
  let server: TestServer;
  let client: ClientCreds;
  before(async () => {
    server = await startTestServer();
    client = await registerClient(server.url);
  });
  after(() => server.close());

  const post = (body: Record<string, unknown>) => signedRequest(server.url, clientCreds(client), "POST", "/api/users", body);

  it("registers a user: user JSON, person profile, and an access token pair", async () => {
    const res = await post({ nickname: "alice", password: PASSWORD, langs: ["en"] });
    assert.equal(res.status, 200);
    assert.equal(res.body.nickname, "alice");
    assert.match(res.body.published, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(res.body.published, res.body.updated);
    assert.deepEqual(res.body.langs, ["en"]);
    assert.match(res.body.token, /^[A-Za-z0-9_-]{22}$/);
    assert.match(res.body.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.password, undefined);
    assert.equal(res.body._passwordHash, undefined);
    assert.ok(!res.text.includes(PASSWORD));
    const p = res.body.profile;
    const base = server.url.replace("127.0.0.1", server.config.hostname);
    assert.equal(p.objectType, "person");
    assert.equal(p.id, `${base}/api/user/alice/profile`);
    assert.equal(p.preferredUsername, "alice");
    assert.equal(p.displayName, "alice");
    assert.equal(p.url, `${base}/alice`);
    assert.equal(p.links.self.href, `${base}/api/user/alice/profile`);
    assert.equal(p.links["activity-inbox"].href, `${base}/api/user/alice/inbox`);
    assert.equal(p.links["activity-outbox"].href, `${base}/api/user/alice/feed`);
    assert.equal(p.followers.url, `${base}/api/user/alice/followers`);
    assert.equal(p.following.url, `${base}/api/user/alice/following`);
    assert.equal(p.favorites.url, `${base}/api/user/alice/favorites`);
    assert.equal(p.lists.url, `${base}/api/user/alice/lists/person`);
    const stored = await readAccessToken(server.worker.bank, res.body.token);
    assert.equal(stored?.username, "alice");
    assert.equal(stored?.consumer_key, client.client_id);
  });

  it("the returned token works for 3-legged requests", async () => {
    const { token } = await registerUser(server.url, client, "tokenuser", PASSWORD);
    const res = await signedRequest(server.url, userCreds(client, token), "GET", "/api/whoami");
    assert.equal(res.status, 302);
    assert.match(String(res.headers.location), /\/api\/user\/tokenuser\/profile$/);
  });

  for (const nickname of ["", "has space", "a/b", "x".repeat(65), "API", "oauth", "Robots.TXT", ".well-known", "ünïcode", ".", "..", "..."]) {
    it(`refuses the nickname ${JSON.stringify(nickname)} with 400`, async () => {
      const res = await post({ nickname, password: PASSWORD });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: `Bad nickname: '${nickname}'` });
    });
  }

  it("accepts a 64-character nickname of letters, digits, dot, dash and underscore", async () => {
    const nickname = "a.b-c_9".padEnd(64, "z");
    assert.equal((await post({ nickname, password: PASSWORD })).status, 200);
  });

  for (const [why, password] of [
    ["too short", "ab1!"],
    ["all letters", "abcdefghij"],
    ["all digits", "1234567890"],
    ["common", "password123"],
    ["common, other case", "PASSWORD123"],
    ["not a string", 12345678],
  ] as const) {
    it(`refuses a ${why} password with 400 "Bad password"`, async () => {
      const res = await post({ nickname: "pwtest", password });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: "Bad password" });
    });
  }

  it("refuses a taken nickname with 409", async () => {
    await registerUser(server.url, client, "bob", PASSWORD);
    const res = await post({ nickname: "bob", password: "other-pass-9" });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, { error: "Already have a(n) 'user' with id 'bob'" });
  });

  it("lets only one of two simultaneous registrations of a nickname win", async () => {
    const results = await Promise.all([post({ nickname: "racer", password: PASSWORD }), post({ nickname: "racer", password: PASSWORD })]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
  });

  it("refuses an invalid email with 400", async () => {
    const res = await post({ nickname: "mailer", password: PASSWORD, email: "not-an-email" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: "Invalid email address provided" });
  });

  it("refuses a request with no credentials with 401 (client-write; issue 8: the original said 400)", async () => {
    const res = await fetch(`${server.url}/api/users`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'OAuth realm="OAuth"');
    assert.match(((await res.json()) as { error: string }).error, /credentials/);
  });
});

describe("POST /api/users with disableRegistration", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(["--disableRegistration"]);
  });
  after(() => server.close());

  it("answers 403 No registration allowed.", async () => {
    const client = await registerClient(server.url);
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "alice", password: PASSWORD });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { error: "No registration allowed." });
  });
});

describe("POST /api/users with requireEmail", () => {
  let server: TestServer;
  let client: ClientCreds;
  before(async () => {
    server = await startTestServer(["--requireEmail", "--smtpserver", "127.0.0.1"]);
    client = await registerClient(server.url);
  });
  after(() => server.close());

  it("refuses a registration without email", async () => {
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "alice", password: PASSWORD });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: "No email address" });
  });

  it("keeps the address unconfirmed, and the API closed to the user until it is confirmed", async () => {
    const { user, token } = await registerUser(server.url, client, "carol", PASSWORD, { email: "carol@example.com" });
    assert.equal(user.email, undefined);
    const res = await signedRequest(server.url, userCreds(client, token), "GET", "/api/whoami");
    assert.equal(res.status, 403);
    // The message also says how to get the link again.
    assert.match(res.body.error, /^Can't use the API until you confirm your email address: .*confirmation\/resend/);
  });
});

describe("loginAccount (for the web UI's POST /main/login)", () => {
  let server: TestServer;
  let client: ClientCreds;
  before(async () => {
    server = await startTestServer(["--driver", "memory"]);
    client = await registerClient(server.url);
  });
  after(() => server.close());

  it("hands out the user's access token for the right password, 401 otherwise", async () => {
    const reg = await registerUser(server.url, client, "webby", PASSWORD);
    const deps = { bank: server.worker.bank, passwords: new PasswordCheck(server.worker.bank) };
    const ok = await loginAccount(deps, client.client_id, { nickname: "webby", password: PASSWORD, address: "127.0.0.1" });
    assert.equal(ok.user.nickname, "webby");
    assert.deepEqual({ token: ok.token, secret: ok.secret }, reg.token);
    for (const [nick, pw] of [["webby", "wrong-password-1"], ["nobody", PASSWORD], ["webby", ""], [undefined, undefined]]) {
      await assert.rejects(loginAccount(deps, client.client_id, { nickname: nick, password: pw, address: "127.0.0.1" }), { status: 401, message: "Incorrect username or password" });
    }
  });
});
