// GET /api/proxy/:id (federation.md §7): alice@A reads bob's profile on B
// through A, which signs as alice with credentials B bound to her by Dialback.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Express } from "express";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, registerClient, registerUser, signedRequest, userCreds, type Creds } from "../support/oauth-client";
import type { RouterContext } from "../../lib/app";

const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];
/** The running app's router context (the server's Express request listener). */
const ctxOf = (srv: TestServer) => ((srv.worker.server.listeners("request") as unknown as Express[]).find((l) => l.locals !== undefined)!.locals.ctx as RouterContext);

let a: TestServer, b: TestServer;
let alice: Creds;
let client: { client_id: string; client_secret: string };
before(async () => {
  [a, b] = await Promise.all([startTestServer(LOOPBACK), startTestServer(LOOPBACK)]);
  client = await registerClient(a.url);
  alice = userCreds(client, (await registerUser(a.url, client, "alice", "white*rabbit42")).token);
  await registerUser(b.url, await registerClient(b.url), "bob", "mock*turtle42");
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe("GET /api/proxy/:id", () => {
  it("relays the remote answer to a local user, signed at B as that user", async () => {
    const proxy = await ctxOf(a).federation.proxies.urlFor(`${b.url}/api/user/bob/profile`);
    assert.equal(await ctxOf(a).federation.proxies.urlFor(`${b.url}/api/user/bob/profile`), proxy, "one proxy per URL");
    const path = new URL(proxy).pathname;
    const res = await signedRequest(a.url, alice, "GET", path);
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    assert.equal(res.body.preferredUsername, "bob");
    const bound = await b.worker.bank.search("client", { webfinger: `alice@${new URL(a.url).host}` });
    assert.equal(bound.length, 1);
  });

  it("404 for an unknown proxy, 502 when the remote side fails, and only for users", async () => {
    assert.equal((await signedRequest(a.url, alice, "GET", "/api/proxy/nope")).status, 404);
    const missing = new URL(await ctxOf(a).federation.proxies.urlFor(`${b.url}/api/user/nobody/profile`)).pathname;
    const failed = await signedRequest(a.url, alice, "GET", missing);
    assert.equal(failed.status, 502);
    assert.equal(failed.body.error, "Unable to retrieve proxy data");
    const proxy = new URL(await ctxOf(a).federation.proxies.urlFor(`${b.url}/api/user/bob/profile`)).pathname;
    assert.equal((await signedRequest(a.url, clientCreds(client), "GET", proxy)).status, 400);
    assert.equal((await fetch(a.url + proxy)).status, 401);
  });
});
