// OAuth 2.0 as the original's 6.0 alpha had it (oauth.md §9), bugs mended:
// the authorization-code grant through the login and consent pages (with
// PKCE), client credentials, Bearer tokens on the API beside OAuth 1.0a,
// RFC 6749 JSON errors instead of 500s, and tokens from config `users`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser, type ClientCreds } from "../support/oauth-client";
import { Browser, PASSWORD } from "../web/support";

const REDIRECT = "http://127.0.0.1:9/callback";

function authzQuery(client: ClientCreds, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: REDIRECT, state: "xyz", ...extra }).toString();
}

async function token(base: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, cache: res.headers.get("cache-control") };
}

async function bearerGet(base: string, path: string, bearer: string, accept = "application/json") {
  const res = await fetch(base + path, { headers: { Authorization: `Bearer ${bearer}`, Accept: accept }, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

describe("OAuth 2", () => {
  let server: TestServer;
  let client: ClientCreds;
  before(async () => {
    server = await startTestServer();
    client = await registerClient(server.url, { application_name: "Two App" });
    await registerUser(server.url, client, "alice", PASSWORD);
  });
  after(() => server.close());

  /** Logs a fresh browser in through /oauth2/authc and answers the consent page; the redirect it ends on. */
  async function authorize(query: string, answer: "allow" | "deny" = "allow"): Promise<URL> {
    const b = new Browser(server.url);
    const first = await b.get(`/oauth2/authz?${query}`);
    assert.equal(first.status, 302);
    assert.match(first.location ?? "", /^\/oauth2\/authc\?/);
    const login = await b.page(first.location!);
    assert.match(login, /id="oauth2-authentication"/);
    const wrong = await b.submit("/oauth2/authc", { ...Object.fromEntries(new URLSearchParams(query)), nickname: "alice", password: "wrong" });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /No match for that nickname and password\./);
    const done = await b.submit("/oauth2/authc", { ...Object.fromEntries(new URLSearchParams(query)), nickname: "alice", password: PASSWORD });
    assert.equal(done.status, 303);
    const consent = await b.page(done.location!);
    assert.match(consent, /id="oauth2-authorization"/);
    const answered = await b.submit("/oauth2/authz", { ...Object.fromEntries(new URLSearchParams(query)), [answer]: "1" });
    assert.equal(answered.status, 303);
    return new URL(answered.location!);
  }

  it("code flow with PKCE: a one-time code for a bearer token that reads as alice and cannot write without the scope", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const back = await authorize(authzQuery(client, { code_challenge: challenge, code_challenge_method: "S256" }));
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get("state"), "xyz");
    const code = back.searchParams.get("code")!;
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: client.client_id, client_secret: client.client_secret };

    const noVerifier = await token(server.url, form);
    assert.equal(noVerifier.status, 400);
    assert.equal(noVerifier.body.error, "invalid_grant");
    // A failed exchange burnt the code: ask again, then exchange with the verifier.
    const again = (await authorize(authzQuery(client, { code_challenge: challenge, code_challenge_method: "S256" }))).searchParams.get("code")!;
    const ok = await token(server.url, { ...form, code: again, code_verifier: verifier });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.cache, "no-store");
    assert.match(ok.body.access_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(ok.body.token_type, "Bearer");
    const reused = await token(server.url, { ...form, code: again, code_verifier: verifier });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, "invalid_grant");

    const bearer = ok.body.access_token;
    assert.equal((await bearerGet(server.url, "/api/user/alice/inbox", bearer)).status, 200);
    const whoami = await bearerGet(server.url, "/api/whoami", bearer);
    assert.equal(whoami.status, 302);
    const post = await fetch(`${server.url}/api/user/alice/feed`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
      body: JSON.stringify({ verb: "post", object: { objectType: "note", content: "by bearer" } }),
    });
    assert.equal(post.status, 403);
    assert.match(((await post.json()) as { error: string }).error, /may only read/);
  });

  it("a token with the writeown scope posts as alice; the AS2 actor reads with it", async () => {
    const code = (await authorize(authzQuery(client, { scope: "read writeown" }))).searchParams.get("code")!;
    const ok = await token(server.url, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: client.client_id, client_secret: client.client_secret });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.scope, "read writeown");
    const post = await fetch(`${server.url}/api/user/alice/feed`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ok.body.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ verb: "post", object: { objectType: "note", content: "by bearer" } }),
    });
    assert.equal(post.status, 200);
    const act = (await post.json()) as { actor: { id: string }; generator: { displayName: string } };
    assert.equal(act.generator.displayName, "Two App");
    const actor = await bearerGet(server.url, "/alice", ok.body.access_token, "application/activity+json");
    assert.equal(actor.status, 200);
    assert.equal(actor.json().type, "Person");
  });

  it("deny sends access_denied back; bad requests are refused before any redirect to an unchecked address", async () => {
    const denied = await authorize(authzQuery(client), "deny");
    assert.equal(denied.searchParams.get("error"), "access_denied");
    assert.equal(denied.searchParams.get("code"), null);
    const b = new Browser(server.url);
    const badType = await b.get(`/oauth2/authz?${authzQuery(client, { response_type: "token" })}`);
    assert.equal(badType.status, 302);
    assert.equal(new URL(badType.location!).searchParams.get("error"), "unsupported_response_type");
    const badScope = await b.get(`/oauth2/authz?${authzQuery(client, { scope: "everything" })}`);
    assert.equal(new URL(badScope.location!).searchParams.get("error"), "invalid_scope");
    const unknown = await b.get(`/oauth2/authz?${authzQuery({ client_id: "nope", client_secret: "" })}`);
    assert.equal(unknown.status, 400);
    const pinned = await registerClient(server.url, { application_name: "Pinned", redirect_uris: "https://app.example/cb" });
    const elsewhere = await b.get(`/oauth2/authz?${authzQuery(pinned)}`);
    assert.equal(elsewhere.status, 400, "a code never goes to an address the client did not register");
    // A consent post without the session's CSRF token is refused.
    const forged = await fetch(`${server.url}/oauth2/authz`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: REDIRECT, allow: "1" }).toString(),
      redirect: "manual",
    });
    assert.equal(forged.status, 403);
  });

  it("client credentials read public items only; the token endpoint answers RFC 6749 errors", async () => {
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`;
    const ok = await token(server.url, { grant_type: "client_credentials" }, { Authorization: basic });
    assert.equal(ok.status, 200);
    assert.equal((await bearerGet(server.url, "/api/user/alice/feed", ok.body.access_token)).status, 200);
    assert.equal((await bearerGet(server.url, "/api/user/alice/inbox", ok.body.access_token)).status, 401);

    const missing = await token(server.url, { client_id: client.client_id, client_secret: client.client_secret });
    assert.deepEqual([missing.status, missing.body.error, missing.body.error_description], [400, "invalid_request", "grant_type parameter required"]);
    const wrong = await token(server.url, { grant_type: "client_credentials", client_id: client.client_id, client_secret: "not it" });
    assert.deepEqual([wrong.status, wrong.body.error], [401, "invalid_client"]);
    const other = await token(server.url, { grant_type: "password", client_id: client.client_id, client_secret: client.client_secret });
    assert.deepEqual([other.status, other.body.error, other.body.error_description], [400, "unsupported_grant_type", "Unrecognized grant_type: password"]);

    const bogus = await bearerGet(server.url, "/api/user/alice/feed", "no-such-token");
    assert.equal(bogus.status, 401);
    assert.deepEqual(bogus.json(), { error: "Invalid bearer token" });
  });
});

it("bearer tokens from config `users` (the original's test configs) read as their user", async () => {
  const clients = [{ client_id: "cfg-client", client_secret: "cfg-client-secret-long-enough" }];
  const users = [{ nickname: "carol", password: PASSWORD, tokens: [{ token: "carol-bearer-token-long-enough-to-guess-never", client_id: "cfg-client", scope: "read" }] }];
  const server = await startTestServer(["--clients", JSON.stringify(clients), "--users", JSON.stringify(users)]);
  try {
    const inbox = await bearerGet(server.url, "/api/user/carol/inbox", users[0].tokens[0].token);
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal((await bearerGet(server.url, "/api/user/carol/inbox", "carol-bearer-token-wrong")).status, 401);
  } finally {
    await server.close();
  }
});

it("the ActivityPub collections answer Bearer tokens: the inbox to its owner only, the outbox whole to its owner and public to others", async () => {
  const clients = [{ client_id: "ap-client", client_secret: "ap-client-secret-long-enough" }];
  const users = [
    { nickname: "dana", password: PASSWORD, tokens: [{ token: "dana-bearer-token-long-enough-to-guess-never", client_id: "ap-client", scope: "read writeown" }] },
    { nickname: "erin", password: PASSWORD, tokens: [{ token: "erin-bearer-token-long-enough-to-guess-never", client_id: "ap-client", scope: "read" }] },
  ];
  const [dana, erin] = [users[0]!.tokens[0]!.token, users[1]!.tokens[0]!.token];
  const server = await startTestServer(["--clients", JSON.stringify(clients), "--users", JSON.stringify(users)]);
  try {
    const erinId = (await bearerGet(server.url, "/api/user/erin/profile", erin)).json().id;
    // dana writes a note to erin only: not public.
    const post = await fetch(`${server.url}/api/user/dana/feed`, {
      method: "POST",
      headers: { Authorization: `Bearer ${dana}`, "Content-Type": "application/json" },
      body: JSON.stringify({ verb: "post", to: [{ id: erinId, objectType: "person" }], object: { objectType: "note", content: "for erin only" } }),
    });
    assert.equal(post.status, 200, await post.clone().text());
    const page = (path: string, bearer?: string) =>
      bearer ? bearerGet(server.url, path, bearer, "application/activity+json") : fetch(server.url + path).then(async (r) => ({ status: r.status, json: async () => r.json() }));
    const has = (doc: { orderedItems?: { object?: { content?: string } }[] }) => (doc.orderedItems ?? []).some((a) => a.object?.content === "for erin only");

    const inbox = await bearerGet(server.url, "/api/ap/users/dana/inbox?page=1", dana, "application/activity+json");
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal(inbox.json().type, "OrderedCollectionPage");
    assert.ok(has(inbox.json()), "the owner reads her inbox as AS2");
    assert.equal((await bearerGet(server.url, "/api/ap/users/dana/inbox?page=1", erin, "application/activity+json")).status, 401, "someone else's token");
    assert.equal((await page("/api/ap/users/dana/inbox?page=1")).status, 401, "no credentials");

    assert.ok(has((await bearerGet(server.url, "/api/ap/users/dana/outbox?page=1", dana, "application/activity+json")).json()), "the owner's token sees her private note in her outbox");
    const anonymous = await page("/api/ap/users/dana/outbox?page=1");
    assert.equal(anonymous.status, 200);
    assert.ok(!has(await anonymous.json()), "the public view does not");
  } finally {
    await server.close();
  }
});
