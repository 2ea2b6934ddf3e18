// Dialback between real servers of ours on loopback (federation.md §3-4,
// oauth.md §7): A registers at B as a host and as a person and signs
// requests with what B issued; forged, replayed, stale and unknown ones are refused.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, registerClient, registerUser, signedRequest as oauthSigned } from "../support/oauth-client";
import { silentLogger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import { createFederation, type Federation } from "../../lib/federation";
import { dialbackRequest } from "../../lib/federation/dialback";
import type { SafeFetcher, SafeRequestOptions } from "../../lib/net/safe-request";

const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];

/** The federation services of a running test server (same bank, so its /api/dialback knows what they signed). */
function federationOf(srv: TestServer): Federation {
  return createFederation({ config: srv.config, bank: srv.worker.bank, urls: new UrlMaker(srv.config), log: silentLogger() });
}

/** A fetcher that records the headers of each request it sends. */
function recording(inner: SafeFetcher, sent: Array<Record<string, string>>): SafeFetcher {
  return { policy: inner.policy, close: () => inner.close(), request: (url: string, o: SafeRequestOptions = {}) => (sent.push({ ...o.headers }), inner.request(url, o)) };
}

const hostOf = (srv: TestServer) => new URL(srv.url).host;
const clientsOf = (srv: TestServer, field: "host" | "webfinger", value: string) => srv.worker.bank.search("client", { [field]: value });

let a: TestServer, b: TestServer, c: TestServer;
let fa: Federation, fc: Federation;
before(async () => {
  [a, b, c] = await Promise.all([startTestServer(LOOPBACK), startTestServer(LOOPBACK), startTestServer(LOOPBACK)]);
  fa = federationOf(a);
  fc = federationOf(c);
  await registerUser(a.url, await registerClient(a.url), "alice", "white*rabbit42");
  await registerUser(b.url, await registerClient(b.url), "bob", "mock*turtle42");
});
after(async () => {
  fa.close();
  fc.close();
  await Promise.all([a.close(), b.close(), c.close()]);
});

describe("registering by Dialback", () => {
  it("A registers at B as a host once; B binds the client to A's host; the credentials sign requests B accepts", async () => {
    const creds = await fa.credentials.credentialsFor(hostOf(b));
    assert.deepEqual(await fa.credentials.credentialsFor(hostOf(b)), creds, "cached, not registered again");
    const bound = await clientsOf(b, "host", hostOf(a));
    assert.equal(bound.length, 1);
    assert.equal(bound[0].consumer_key, creds.client_id);
    assert.equal(bound[0].webfinger ?? null, null);
    const res = await fa.credentials.requestAs(`${b.url}/api/user/bob/profile`);
    assert.equal(res.status, 200, res.text());
    assert.equal((res.json() as { preferredUsername: string }).preferredUsername, "bob");
  });

  it("A registers at B as its person alice; B binds the client to alice's webfinger id", async () => {
    const wf = `alice@${hostOf(a)}`;
    const creds = await fa.credentials.credentialsFor(hostOf(b), { webfinger: wf });
    const bound = await clientsOf(b, "webfinger", wf);
    assert.equal(bound.length, 1);
    assert.equal(bound[0].consumer_key, creds.client_id);
    assert.equal(bound[0].host ?? null, null);
  });

  it("after B forgets the client, requestAs is refused, registers again once and succeeds", async () => {
    const old = await fa.credentials.credentialsFor(hostOf(b));
    await b.worker.bank.del("client", old.client_id);
    const res = await fa.credentials.requestAs(`${b.url}/api/user/bob/profile`);
    assert.equal(res.status, 200);
    assert.notEqual((await fa.credentials.credentialsFor(hostOf(b))).client_id, old.client_id);
  });
});

describe("refused registrations", () => {
  const form = new URLSearchParams({ type: "client_associate", application_type: "web" }).toString();
  const post = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form };

  it("C claiming to be host A is refused (A never issued the token), and nothing is registered", async () => {
    const before = (await clientsOf(b, "host", hostOf(a))).length;
    const res = await dialbackRequest({ bank: c.worker.bank, fetcher: fc.fetcher }, { host: hostOf(a) }, `${b.url}/api/client/register`, post);
    assert.equal(res.status, 401);
    assert.equal(res.headers["www-authentication"], "Dialback");
    assert.equal((await clientsOf(b, "host", hostOf(a))).length, before);
  });

  it("C claiming to be A's person alice is refused", async () => {
    const before = (await clientsOf(b, "webfinger", `alice@${hostOf(a)}`)).length;
    const res = await dialbackRequest({ bank: c.worker.bank, fetcher: fc.fetcher }, { webfinger: `alice@${hostOf(a)}` }, `${b.url}/api/client/register`, post);
    assert.equal(res.status, 401);
    assert.equal((await clientsOf(b, "webfinger", `alice@${hostOf(a)}`)).length, before);
  });

  it("a replayed Dialback header is refused", async () => {
    const sent: Array<Record<string, string>> = [];
    const first = await dialbackRequest({ bank: a.worker.bank, fetcher: recording(fa.fetcher, sent) }, { host: hostOf(a) }, `${b.url}/api/client/register`, post);
    assert.equal(first.status, 200, first.text());
    const replay = await fetch(`${b.url}/api/client/register`, { method: "POST", headers: sent[0], body: form });
    assert.equal(replay.status, 401);
    assert.equal(await replay.text(), "We've already seen this request.");
  });

  it("a header dated outside the 5-minute window, or malformed, is refused", async () => {
    const stale = Date.now() - 6 * 60_000;
    const old = await dialbackRequest({ bank: a.worker.bank, fetcher: fa.fetcher, now: () => stale }, { host: hostOf(a) }, `${b.url}/api/client/register`, post);
    assert.equal(old.status, 401);
    assert.equal(old.text(), "'Date' header is outside our 5-minute window");
    for (const [auth, reason] of [
      ["Bearer x", "Authorization scheme is not 'Dialback'"],
      [`Dialback host="${hostOf(a)}"`, "Authorization header has no 'token' field"],
      ['Dialback token="abc"', "Authorization header has neither 'host' nor 'webfinger' fields"],
    ]) {
      const res = await fetch(`${b.url}/api/client/register`, { method: "POST", headers: { Authorization: auth, Date: new Date().toUTCString(), "Content-Type": "application/x-www-form-urlencoded" }, body: form });
      assert.equal(res.status, 401, auth);
      assert.equal(await res.text(), reason);
    }
  });

  it("a request signed by an unknown client is refused", async () => {
    const res = await oauthSigned(b.url, clientCreds({ client_id: "no-such-client", client_secret: "nope" }), "GET", "/api/user/bob/profile");
    assert.equal(res.status, 400);
    assert.equal(res.text, "Invalid Consumer Key");
  });
});

describe("POST /api/dialback", () => {
  const check = (srv: TestServer, fields: Record<string, string>) =>
    fetch(`${srv.url}/api/dialback`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });

  it("confirms a token it issued for that URL, and nothing else", async () => {
    const sent: Array<Record<string, string>> = [];
    const url = `${b.url}/api/client/register`;
    await dialbackRequest({ bank: a.worker.bank, fetcher: recording(fa.fetcher, sent) }, { host: hostOf(a) }, url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "type=client_associate" });
    const token = /token="([^"]+)"/.exec(sent[0].Authorization)![1];
    const date = sent[0].Date;
    const ok = await check(a, { host: hostOf(a), token, date, url });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "OK");
    const cases: Array<[Record<string, string>, string]> = [
      [{ host: hostOf(a), token, date, url: `${url}x` }, "Not my token"],
      [{ host: hostOf(a), token: "other", date, url }, "Not my token"],
      [{ host: "elsewhere.example", token, date, url }, "Incorrect host"],
      [{ webfinger: "alice@elsewhere.example", token, date, url }, "Incorrect host"],
      [{ token, date, url }, "No identity"],
      [{ host: hostOf(a), date, url }, "No token"],
      [{ host: hostOf(a), token, url }, "No date"],
      [{ host: hostOf(a), token, date: new Date(Date.now() - 600_000).toUTCString(), url }, "Invalid date"],
    ];
    for (const [fields, error] of cases) {
      const res = await check(a, fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.equal(((await res.json()) as { error: string }).error, error);
    }
  });
});
