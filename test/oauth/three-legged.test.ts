import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import {
  authorizeInBrowser,
  elementValue,
  exchangeRequestToken,
  getAccessToken,
  getRequestToken,
  OAuthRequestError,
  plainRequest,
  registerClient,
  registerUser,
  signedRequest,
  userCreds,
  TEST_CALLBACK,
  type ClientCreds,
  type TokenPair,
} from "../support/oauth-client";
import { readRequestToken } from "../../lib/oauth/tokens";

const PASSWORD = "white*rabbit";

/** Expects an OAuth endpoint refusal with this status (and text, if given). */
async function refused(p: Promise<unknown>, status: number, text?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OAuthRequestError, String(err));
    assert.equal(err.statusCode, status, err.message);
    if (text !== undefined) assert.equal(err.data, text);
    return true;
  });
}

describe("three-legged OAuth", () => {
  let server: TestServer;
  let registrar: ClientCreds;
  let app: ClientCreds;
  before(async () => {
    server = await startTestServer();
    // Users are registered through one client; the dance is done by another,
    // so the user has not approved it yet and sees the authorize form.
    registrar = await registerClient(server.url);
    app = await registerClient(server.url, { application_name: "Dance App" });
    for (const nick of ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"]) await registerUser(server.url, registrar, nick, PASSWORD);
  });
  after(() => server.close());

  it("does the full dance over HTTP, with every page and redirect", async () => {
    const rt = await getRequestToken(server.url, app, { callback: TEST_CALLBACK });
    assert.match(rt.token, /^[A-Za-z0-9_-]{22}$/);
    assert.match(rt.secret, /^[A-Za-z0-9_-]{43}$/);

    const login = await plainRequest(server.url, "GET", `/oauth/authorize?oauth_token=${rt.token}`);
    assert.equal(login.status, 200);
    assert.match(login.text, /<form id="oauth-authentication" method="post"/);
    assert.match(login.text, /<label for="username">/);
    assert.match(login.text, /<input id="password" name="password" type="password"/);
    assert.match(login.text, /id="authenticate"/);
    assert.equal(elementValue(login.text, "username"), "");

    const approve = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "alice", password: PASSWORD });
    assert.equal(approve.status, 200);
    assert.match(approve.text, /<form id="authorize"/);
    assert.match(approve.text, /Dance App/);
    assert.equal(elementValue(approve.text, "oauth_token"), rt.token);
    const verifier = elementValue(approve.text, "verifier")!;
    assert.match(verifier, /^[A-Za-z0-9_-]{22}$/);

    const done = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, verifier });
    assert.equal(done.status, 303);
    const location = new URL(String(done.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, TEST_CALLBACK);
    assert.equal(location.searchParams.get("oauth_token"), rt.token);
    assert.equal(location.searchParams.get("oauth_verifier"), verifier);

    const at = await exchangeRequestToken(server.url, app, rt, verifier);
    assert.match(at.token, /^[A-Za-z0-9_-]{22}$/);
    assert.match(at.secret, /^[A-Za-z0-9_-]{43}$/);
    const who = await signedRequest(server.url, userCreds(app, at), "GET", "/api/whoami");
    assert.equal(who.status, 302);
    assert.match(String(who.headers.location), /\/api\/user\/alice\/profile$/);
  });

  it("appends to a callback that already has a query", async () => {
    const rt = await getRequestToken(server.url, app, { callback: "http://localhost/cb?state=1" });
    const approve = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "bob", password: PASSWORD });
    const done = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, verifier: elementValue(approve.text, "verifier")! });
    assert.equal(done.status, 303);
    assert.match(String(done.headers.location), /^http:\/\/localhost\/cb\?state=1&oauth_token=/);
  });

  it("shows the verifier on a page for oob clients", async () => {
    const rt = await getRequestToken(server.url, app, { callback: "oob" });
    const approve = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "carol", password: PASSWORD });
    const done = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, verifier: elementValue(approve.text, "verifier")! });
    assert.equal(done.status, 200);
    assert.match(done.text, /Authorization Complete/);
    assert.equal(elementValue(done.text, "token"), rt.token);
    const verifier = elementValue(done.text, "verifier")!;
    const at = await exchangeRequestToken(server.url, app, rt, verifier);
    assert.equal((await signedRequest(server.url, userCreds(app, at), "GET", "/api/whoami")).status, 302);
  });

  it("reuses the access token of (client, user) and skips the question the second time", async () => {
    const first = await getAccessToken(server.url, app, "dave", PASSWORD);
    const rt = await getRequestToken(server.url, app, { callback: TEST_CALLBACK });
    const login = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "dave", password: PASSWORD });
    assert.equal(login.status, 302);
    const verifier = new URL(String(login.headers.location)).searchParams.get("oauth_verifier")!;
    const second = await exchangeRequestToken(server.url, app, rt, verifier);
    assert.deepEqual(second, first);
  });

  // PLAINTEXT signatures need HTTPS (RFC 5849 §3.4.4): test/oauth/plaintext-tls.test.ts.

  describe("/oauth/request_token refusals", () => {
    it("400 Missing required parameter without any OAuth", async () => {
      const res = await plainRequest(server.url, "POST", "/oauth/request_token");
      assert.equal(res.status, 400);
      assert.equal(res.text, "Missing required parameter");
      assert.match(String(res.headers["content-type"]), /^text\/plain/);
      assert.equal(res.headers["www-authenticate"], 'OAuth realm="OAuth"');
    });

    it("400 Invalid Consumer Key for an unknown client", async () => {
      await refused(getRequestToken(server.url, { client_id: "nope", client_secret: "nope" }), 400, "Invalid Consumer Key");
    });

    it("401 Invalid signature with a wrong client secret", async () => {
      await refused(getRequestToken(server.url, { ...app, client_secret: "wrong" }), 401, "Invalid signature");
    });

    it("400 for a callback that is neither oob nor an http(s) URL", async () => {
      await refused(getRequestToken(server.url, app, { callback: "javascript:alert(1)" }), 400);
      await refused(getRequestToken(server.url, app, { callback: "/relative" }), 400);
    });
  });

  describe("/oauth/authorize refusals", () => {
    it("400 page without oauth_token, and for an unknown token", async () => {
      const none = await plainRequest(server.url, "GET", "/oauth/authorize");
      assert.equal(none.status, 400);
      assert.match(String(none.headers["content-type"]), /^text\/html/);
      assert.match(none.text, /Must provide an oauth_token/);
      assert.equal((await plainRequest(server.url, "GET", "/oauth/authorize?oauth_token=unknown")).status, 400);
    });

    it("shows the login form again with 400 for a wrong password or unknown user", async () => {
      const rt = await getRequestToken(server.url, app);
      for (const [username, password] of [["frank", "wrong-password-1"], ["nobody", PASSWORD]]) {
        const res = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username, password });
        assert.equal(res.status, 400);
        assert.match(res.text, /id="oauth-authentication"/);
        assert.match(res.text, /Incorrect username or password/);
        assert.equal(elementValue(res.text, "username"), username);
      }
    });

    it("refuses a token already taken by another user", async () => {
      const rt = await getRequestToken(server.url, app);
      await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "frank", password: PASSWORD });
      const res = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "gina", password: PASSWORD });
      assert.equal(res.status, 400);
      assert.match(res.text, /Token already associated with a different user/);
    });

    it("answers 400 (not 500) to an unknown token or a wrong verifier on approval", async () => {
      const unknown = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: "unknown", verifier: "x" });
      assert.equal(unknown.status, 400);
      const rt = await getRequestToken(server.url, app);
      await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, username: "gina", password: PASSWORD });
      const wrong = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, verifier: "wrong-verifier" });
      assert.equal(wrong.status, 400);
    });

    it("refuses approval of a token nobody logged in for", async () => {
      const rt = await getRequestToken(server.url, app);
      const stored = (await readRequestToken(server.worker.bank, rt.token))!;
      const res = await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: rt.token, verifier: stored.verifier });
      assert.equal(res.status, 400);
    });
  });

  describe("/oauth/access_token refusals", () => {
    /** A request token that `nick` logged in for and approved; returns it with its verifier. */
    const authorized = async (client: ClientCreds, nick: string): Promise<{ rt: TokenPair; verifier: string }> => {
      const rt = await getRequestToken(server.url, client, { callback: TEST_CALLBACK });
      const verifier = await authorizeInBrowser(server.url, rt, nick, PASSWORD);
      return { rt, verifier };
    };

    it("401 for a wrong verifier (not checked by the original)", async () => {
      const { rt } = await authorized(app, "hank");
      await refused(exchangeRequestToken(server.url, app, rt, "wrong-verifier-000000"), 401, "Invalid verifier");
    });

    it("401 for a token never authorized", async () => {
      const rt = await getRequestToken(server.url, app);
      const stored = (await readRequestToken(server.worker.bank, rt.token))!;
      await refused(exchangeRequestToken(server.url, app, rt, stored.verifier), 401, "Invalid / expired Token");
    });

    it("refuses a second exchange of the same request token", async () => {
      const { rt, verifier } = await authorized(app, "hank");
      await exchangeRequestToken(server.url, app, rt, verifier);
      await refused(exchangeRequestToken(server.url, app, rt, verifier), 401, "Invalid / expired Token");
    });

    it("lets only one of two simultaneous exchanges win", async () => {
      const { rt, verifier } = await authorized(app, "gina");
      const results = await Promise.allSettled([exchangeRequestToken(server.url, app, rt, verifier), exchangeRequestToken(server.url, app, rt, verifier)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    });

    it("400 for a request token of another client", async () => {
      const other = await registerClient(server.url);
      const { rt, verifier } = await authorized(app, "frank");
      await refused(exchangeRequestToken(server.url, other, rt, verifier), 400, "Invalid / expired Token");
    });

    it("401 Invalid signature with a wrong token secret", async () => {
      const { rt, verifier } = await authorized(app, "frank");
      await refused(exchangeRequestToken(server.url, app, { ...rt, secret: "wrong" }, verifier), 401, "Invalid signature");
    });

    it("400 Missing required parameter without a verifier", async () => {
      const { rt } = await authorized(app, "frank");
      await refused(exchangeRequestToken(server.url, app, rt, ""), 400, "Missing required parameter");
    });
  });
});
