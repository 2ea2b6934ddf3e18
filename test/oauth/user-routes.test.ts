import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { readAccessToken } from "../../lib/oauth/tokens";
import { clientCreds, registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type TokenPair } from "../support/oauth-client";

const PASSWORD = "white*rabbit";

describe("user routes", () => {
  let server: TestServer;
  let client: ClientCreds;
  let alice: TokenPair;
  let bob: TokenPair;
  before(async () => {
    server = await startTestServer();
    client = await registerClient(server.url);
    alice = (await registerUser(server.url, client, "alice", PASSWORD, { email: "alice@example.com", settings: { a: 1 } })).token;
    bob = (await registerUser(server.url, client, "bob", PASSWORD)).token;
  });
  after(() => server.close());

  describe("GET /api/user/:nickname", () => {
    it("shows email and settings to the user themself", async () => {
      const res = await signedRequest(server.url, userCreds(client, alice), "GET", "/api/user/alice");
      assert.equal(res.status, 200);
      assert.equal(res.body.nickname, "alice");
      assert.equal(res.body.email, "alice@example.com");
      assert.deepEqual(res.body.settings, { a: 1 });
      assert.equal(res.body._passwordHash, undefined);
    });

    it("hides email and settings from others and from 2-legged readers", async () => {
      for (const creds of [userCreds(client, bob), clientCreds(client)]) {
        const res = await signedRequest(server.url, creds, "GET", "/api/user/alice");
        assert.equal(res.status, 200);
        assert.equal(res.body.email, undefined);
        assert.equal(res.body.settings, undefined);
        assert.equal(res.body.profile.preferredUsername, "alice");
      }
    });

    it("answers 404 for an unknown user", async () => {
      const res = await signedRequest(server.url, clientCreds(client), "GET", "/api/user/nobody");
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: "No such 'user' with id 'nobody'" });
    });

    it("answers 401 Not logged in. without credentials", async () => {
      const res = await fetch(`${server.url}/api/user/alice`);
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: "Not logged in." });
    });
  });

  describe("PUT /api/user/:nickname", () => {
    it("changes extra props and the password", async () => {
      const user = await registerUser(server.url, client, "putter", PASSWORD);
      const creds = userCreds(client, user.token);
      const res = await signedRequest(server.url, creds, "PUT", "/api/user/putter", {
        nickname: "putter",
        password: "new-secret-42",
        langs: ["fr"],
        published: user.user.published,
        profile: { id: user.user.profile.id, objectType: "person", displayName: "putter" },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.langs, ["fr"]);
      assert.equal(res.body.published, user.user.published);
    });

    it("works with a signed form-encoded body (body params in the signature)", async () => {
      const user = await registerUser(server.url, client, "former", PASSWORD);
      const res = await signedRequest(server.url, userCreds(client, user.token), "PUT", "/api/user/former", { nickname: "former", password: "form-secret-42", color: "blue" }, { form: true });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.color, "blue");
    });

    for (const [why, body] of [
      ["another nickname", { nickname: "other", password: "new-secret-42" }],
      ["a bad password", { nickname: "alice", password: "short" }],
      ["no password", { nickname: "alice" }],
      ["a changed published", { nickname: "alice", password: "new-secret-42", published: "2001-01-01T00:00:00Z" }],
      ["a changed profile", { nickname: "alice", password: "new-secret-42", profile: { id: "acct:evil@example.com", objectType: "person" } }],
    ] as const) {
      it(`refuses ${why} with 400 (a 500 in the original)`, async () => {
        const res = await signedRequest(server.url, userCreds(client, alice), "PUT", "/api/user/alice", body);
        assert.equal(res.status, 400, res.text);
      });
    }

    it("refuses another user with 401 Not authorized", async () => {
      const res = await signedRequest(server.url, userCreds(client, bob), "PUT", "/api/user/alice", { nickname: "alice", password: "new-secret-42" });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: "Not authorized" });
    });

    it("refuses a 2-legged request with 400 Missing required parameter", async () => {
      const res = await signedRequest(server.url, clientCreds(client), "PUT", "/api/user/alice", { nickname: "alice", password: "new-secret-42" });
      assert.equal(res.status, 400);
      assert.equal(res.text, "Missing required parameter");
    });
  });

  describe("DELETE /api/user/:nickname", () => {
    it("deletes the account, its place in the list and its tokens", async () => {
      const doomed = await registerUser(server.url, client, "doomed", PASSWORD);
      const creds = userCreds(client, doomed.token);
      const res = await signedRequest(server.url, creds, "DELETE", "/api/user/doomed");
      assert.equal(res.status, 200);
      assert.equal(res.body, "Deleted.");
      assert.equal((await signedRequest(server.url, clientCreds(client), "GET", "/api/user/doomed")).status, 404);
      const list = await signedRequest(server.url, clientCreds(client), "GET", "/api/users?count=200");
      assert.ok(!list.body.items.some((u: { nickname: string }) => u.nickname === "doomed"));
      // Its tokens are gone, so a later account of the same name could not inherit them.
      assert.equal(await readAccessToken(server.worker.bank, doomed.token.token), null);
      const old = await signedRequest(server.url, creds, "GET", "/api/whoami");
      assert.equal(old.status, 400);
      assert.equal(old.text, "Invalid / expired Token");
    });

    it("refuses another user with 401", async () => {
      const res = await signedRequest(server.url, userCreds(client, bob), "DELETE", "/api/user/alice");
      assert.equal(res.status, 401);
    });
  });

  describe("GET /api/whoami", () => {
    it("redirects a 3-legged request to the user's profile", async () => {
      const res = await signedRequest(server.url, userCreds(client, alice), "GET", "/api/whoami");
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, `http://${server.config.hostname}:${server.port}/api/user/alice/profile`);
    });

    it("refuses a 2-legged request with 400 Missing required parameter", async () => {
      const res = await signedRequest(server.url, clientCreds(client), "GET", "/api/whoami");
      assert.equal(res.status, 400);
      assert.equal(res.text, "Missing required parameter");
      assert.equal(res.headers["www-authenticate"], 'OAuth realm="OAuth"');
    });

    it("refuses a request without credentials with 401", async () => {
      const res = await fetch(`${server.url}/api/whoami`, { redirect: "manual" });
      assert.equal(res.status, 401);
    });
  });
});

describe("GET /api/users paging", () => {
  let server: TestServer;
  let client: ClientCreds;
  /** Nicknames newest first. */
  const all: string[] = [];
  before(async () => {
    server = await startTestServer(["--driver", "memory"]);
    client = await registerClient(server.url);
    for (let i = 0; i < 30; i++) {
      const nick = `user${String(i).padStart(2, "0")}`;
      await registerUser(server.url, client, nick, PASSWORD);
      all.unshift(nick);
    }
  });
  after(() => server.close());

  const page = async (query: string): Promise<any> => {
    const res = await signedRequest(server.url, clientCreds(client), "GET", `/api/users${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const nicks = (body: any): string[] => body.items.map((u: { nickname: string }) => u.nickname);

  it("gives the newest 20 by default, with the collection's fields", async () => {
    const body = await page("");
    assert.equal(body.displayName, "Users of this service");
    assert.equal(body.id, `http://${server.config.hostname}:${server.port}/api/users`);
    assert.deepEqual(body.objectTypes, ["user"]);
    assert.equal(body.totalItems, 30);
    assert.deepEqual(nicks(body), all.slice(0, 20));
    assert.ok(body.links.first.href && body.links.self.href && body.links.prev.href && body.links.next.href);
  });

  it("pages with count, offset, before and since (cursors are nicknames)", async () => {
    assert.deepEqual(nicks(await page("?count=50")), all);
    assert.deepEqual(nicks(await page("?offset=25")), all.slice(25));
    assert.deepEqual(nicks(await page(`?before=${all[9]}&count=5`)), all.slice(10, 15));
    assert.deepEqual(nicks(await page(`?since=${all[9]}&count=5`)), all.slice(4, 9));
    assert.deepEqual(nicks(await page(`?since=${all[2]}`)), all.slice(0, 2));
    assert.deepEqual(nicks(await page("?offset=100")), []);
  });

  it("following next links visits every user once", async () => {
    const seen: string[] = [];
    let body = await page("?count=7");
    for (;;) {
      seen.push(...nicks(body));
      if (!body.links.next) break;
      body = await page(new URL(body.links.next.href).search);
    }
    assert.deepEqual(seen, all);
  });

  for (const [query, error] of [
    ["?count=201", "Count must be between 0 and 200"],
    ["?count=-1", "Count must be between 0 and 200"],
    ["?count=abc", "Count must be between 0 and 200"],
    ["?offset=-1", "Offset must be an integer greater than or equal to zero"],
    ["?offset=1&before=user01", "Can't have both 'before' and 'offset' parameters"],
    ["?offset=1&since=user01", "Can't have both 'since' and 'offset' parameters"],
    ["?before=user01&since=user02", "Can't have both 'before' and 'since' parameters"],
    ["?before=nobody", "id 'nobody' not found in stream 'users'"],
  ]) {
    it(`answers 400 to ${query}`, async () => {
      const res = await signedRequest(server.url, clientCreds(client), "GET", `/api/users${query}`);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error });
    });
  }
});
