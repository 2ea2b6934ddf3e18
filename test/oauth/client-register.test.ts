import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, plainRequest, registerClient, signedRequest } from "../support/oauth-client";
import { clientAsObject, uuidV5Shaped } from "../../lib/oauth/client-object";
import { readClient } from "../../lib/oauth/clients";
import type { ClientRecord } from "../../lib/oauth/clients";

describe("POST /api/client/register", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const register = (body: Record<string, string>) => plainRequest(server.url, "POST", "/api/client/register", body);

  it("registers a client with only a type, answering id, secret and expires_at 0", async () => {
    const res = await register({ type: "client_associate" });
    assert.equal(res.status, 200);
    assert.match(res.body.client_id, /^[A-Za-z0-9_-]{22}$/);
    assert.match(res.body.client_secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.expires_at, 0);
  });

  it("stores the description: name as title, contacts, urls, type", async () => {
    const res = await register({
      type: "client_associate",
      application_name: "My App",
      application_type: "web",
      contacts: "a@example.com b@example.net",
      logo_url: "http://example.com/logo.png",
      redirect_uris: "http://example.com/cb https://example.com/cb2",
    });
    assert.equal(res.status, 200);
    const stored = (await readClient(server.worker.bank, res.body.client_id))!;
    assert.equal(stored.title, "My App");
    assert.equal(stored.type, "web");
    assert.deepEqual(stored.contacts, ["a@example.com", "b@example.net"]);
    assert.deepEqual(stored.redirect_uris, ["http://example.com/cb", "https://example.com/cb2"]);
    assert.equal(stored.created, stored.updated);
  });

  it("accepts JSON bodies too", async () => {
    const res = await plainRequest(server.url, "POST", "/api/client/register", { type: "client_associate", application_name: "J" }, { json: true });
    assert.equal(res.status, 200);
    assert.equal((await readClient(server.worker.bank, res.body.client_id))!.title, "J");
  });

  const refusals: Array<[string, Record<string, string>, string]> = [
    ["no type", { application_name: "x" }, "No registration type provided"],
    ["client_id on associate", { type: "client_associate", client_id: "abc" }, "Only set client_id for update."],
    ["access_token", { type: "client_associate", access_token: "abc" }, "access_token not needed for registration."],
    ["client_secret on associate", { type: "client_associate", client_secret: "abc" }, "Only set client_secret for update."],
    ["contacts with commas", { type: "client_associate", contacts: "a@example.com,b@example.com" }, "contacts must be space-separate email addresses."],
    ["contacts as URL", { type: "client_associate", contacts: "http://example.com/" }, "contacts must be space-separate email addresses."],
    ["bad application_type", { type: "client_associate", application_type: "desktop" }, "Unknown application_type."],
    ["bad logo_url", { type: "client_associate", logo_url: "not a url" }, "Invalid logo_url."],
    ["two logo_urls", { type: "client_associate", logo_url: "http://a.example/1.png http://b.example/2.png" }, "Invalid logo_url."],
    ["bad redirect_uris", { type: "client_associate", redirect_uris: "notaurl" }, "redirect_uris must be space-separated URLs."],
    ["glued redirect_uris", { type: "client_associate", redirect_uris: "http://a.example/http://b.example/" }, "redirect_uris must be space-separated URLs."],
    ["ftp redirect_uri (a 500 in the original)", { type: "client_associate", redirect_uris: "ftp://a.example/" }, "redirect_uris must be space-separated URLs."],
    ["unknown type", { type: "client_frobnicate" }, "Invalid registration type"],
  ];
  for (const [what, body, message] of refusals) {
    it(`refuses ${what} with 400 "${message}"`, async () => {
      const res = await register(body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: message });
    });
  }

  it("refuses contacts given as an array (repeated field)", async () => {
    // A repeated form field arrives as an array.
    const raw = await fetch(`${server.url}/api/client/register`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "type=client_associate&contacts=a%40example.com&contacts=b%40example.com",
    });
    assert.equal(raw.status, 400);
    assert.deepEqual(await raw.json(), { error: "contacts must be a string of space-separated email addresses." });
  });

  describe("client_update", () => {
    it("updates title and keeps key, secret and created", async () => {
      const c = await registerClient(server.url, { application_name: "Before", application_type: "native" });
      const old = (await readClient(server.worker.bank, c.client_id))!;
      const res = await register({ type: "client_update", client_id: c.client_id, client_secret: c.client_secret, application_name: "After" });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { client_id: c.client_id, client_secret: c.client_secret, expires_at: 0 });
      const now = (await readClient(server.worker.bank, c.client_id))!;
      assert.equal(now.title, "After");
      assert.equal(now.created, old.created);
      assert.equal(now.secret, old.secret);
      // As in the original: application_type omitted on update resets it.
      assert.equal(now.type, null);
    });

    it("refuses a wrong secret with 403 Unauthorized", async () => {
      const c = await registerClient(server.url);
      const res = await register({ type: "client_update", client_id: c.client_id, client_secret: "wrong" });
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { error: "Unauthorized" });
    });

    it("refuses a missing secret with 403", async () => {
      const c = await registerClient(server.url);
      const res = await register({ type: "client_update", client_id: c.client_id });
      assert.equal(res.status, 403);
    });

    it("answers 404 for an unknown client_id (a 500 in the original)", async () => {
      const res = await register({ type: "client_update", client_id: "no-such-client", client_secret: "x" });
      assert.equal(res.status, 404);
    });

    it("answers 400 without client_id", async () => {
      const res = await register({ type: "client_update" });
      assert.equal(res.status, 400);
    });
  });

  it("refuses a Dialback header it cannot verify (here: no Date) with 401 text/plain", async () => {
    const res = await plainRequest(server.url, "POST", "/api/client/register", { type: "client_associate" }, {
      headers: { Authorization: 'Dialback host="example.net", token="abc"' },
    });
    assert.equal(res.status, 401);
    assert.match(String(res.headers["content-type"]), /^text\/plain/);
    assert.equal(res.headers["www-authentication"], "Dialback");
  });

  it("a registered client can sign a 2-legged request at once", async () => {
    const c = await registerClient(server.url);
    const res = await signedRequest(server.url, clientCreds(c), "GET", "/api/users");
    assert.equal(res.status, 200);
  });
});

describe("clientAsObject", () => {
  const base: ClientRecord = { consumer_key: "key", secret: "s", created: "", updated: "" };

  it("is an application with a urn:uuid v5-shaped id from the consumer key", () => {
    const obj = clientAsObject({ ...base, title: "App", description: "Does things" });
    assert.equal(obj.objectType, "application");
    assert.match(obj.id, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(obj.id, `urn:uuid:${uuidV5Shaped("key")}`);
    assert.notEqual(obj.id, clientAsObject({ ...base, consumer_key: "other" }).id);
    assert.equal(obj.displayName, "App");
    assert.equal(obj.content, "Does things");
  });

  it("takes the first 16 bytes of SHA-1 with version and variant bits set", () => {
    // SHA-1("key") = a62f2225bf70bfaccbc7f1ef2a397836717377de
    assert.equal(uuidV5Shaped("key"), "a62f2225-bf70-5fac-8bc7-f1ef2a397836");
  });

  it("is a service for web clients", () => {
    assert.equal(clientAsObject({ ...base, type: "web" }).objectType, "service");
  });

  it("is the host's service or the webfinger's person for Dialback clients", () => {
    assert.deepEqual(clientAsObject({ ...base, host: "example.net" }), { objectType: "service", id: "http://example.net/", url: "http://example.net/" });
    assert.deepEqual(clientAsObject({ ...base, webfinger: "bob@example.net" }), { objectType: "person", id: "acct:bob@example.net" });
  });
});
