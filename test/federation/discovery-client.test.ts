// The discovery client: host-meta (JSON and XRD), WebFinger of acct: and
// http ids against a real server of ours, an XRD-only peer, caching with
// re-validation and back-off, and the address policy (never 127.0.0.1 unless allowed).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser } from "../support/oauth-client";
import { silentLogger } from "../../lib/log";
import { openBank, type Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import { createAddressPolicy } from "../../lib/net/address-check";
import { createSafeFetcher } from "../../lib/net/safe-request";
import { createDiscoveryClient, DiscoveryError } from "../../lib/federation/discovery-client";
import { BACKOFF_MS } from "../../lib/federation/discovery-cache";

const log = silentLogger();
const loopback = createSafeFetcher({ policy: createAddressPolicy(["127.0.0.0/8"]) });
after(() => loopback.close());

async function freshBank(): Promise<Bank> {
  return openBank({ driver: "memory", params: {}, schema: SCHEMA, log });
}

describe("against a server of ours", () => {
  let srv: TestServer;
  let host: string;
  before(async () => {
    srv = await startTestServer(["--driver", "memory"]);
    host = new URL(srv.url).host;
    await registerUser(srv.url, await registerClient(srv.url), "alice", "white*rabbit42");
  });
  after(() => srv.close());

  it("reads host-meta, WebFinger of acct: and profile-URL ids, and saves the host record", async () => {
    const bank = await freshBank();
    const d = createDiscoveryClient({ bank, fetcher: loopback, log });
    const meta = await d.hostMeta(host);
    assert.equal(meta.find((l) => l.rel === "dialback")?.href, `${srv.url}/api/dialback`);
    for (const id of [`acct:alice@${host}`, `alice@${host}`, `${srv.url}/api/user/alice/profile`]) {
      const links = await d.webfinger(id);
      assert.equal(links.find((l) => l.rel === "activity-inbox")?.href, `${srv.url}/api/user/alice/inbox`, id);
    }
    const rec = await d.ensureHost(host);
    assert.equal(rec.registration_endpoint, `${srv.url}/api/client/register`);
    assert.equal(rec.dialback_endpoint, `${srv.url}/api/dialback`);
    assert.equal((await bank.read("host", host)).whoami_endpoint, `${srv.url}/api/whoami`);
  });

  it("with loopback not allowed, nothing is fetched and discovery fails", async () => {
    const strict = createSafeFetcher({ policy: createAddressPolicy() });
    const d = createDiscoveryClient({ bank: await freshBank(), fetcher: strict, log });
    await assert.rejects(d.webfinger(`acct:alice@${host}`), DiscoveryError);
    strict.close();
  });

  it("refuses reserved names without a request", async () => {
    const d = createDiscoveryClient({ bank: await freshBank(), fetcher: loopback, log });
    for (const id of ["acct:bob@example.com", "acct:bob@social.example", "https://x.invalid/api/user/bob"]) await assert.rejects(d.webfinger(id), DiscoveryError, id);
  });
});

describe("a peer with XRD only, and the cache", () => {
  let srv: http.Server;
  let host: string;
  const hits: string[] = [];
  let failing = false;
  before(async () => {
    srv = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      if (failing) return void res.writeHead(500).end();
      if (req.url === "/.well-known/host-meta") {
        res.writeHead(200, { "Content-Type": "application/xrd+xml" });
        return void res.end(`<?xml version='1.0'?><XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='lrdd' type='application/xrd+xml' template='http://${host}/lrdd?uri={uri}'/><Link rel="dialback" href="http://${host}/db?a=1&amp;b=2"/></XRD>`);
      }
      if (req.url?.startsWith("/lrdd?uri=")) {
        res.writeHead(200, { "Content-Type": "application/xrd+xml; charset=utf-8" });
        return void res.end(`<XRD><Link rel="activity-inbox" href="http://${host}/inbox/${decodeURIComponent(req.url.slice(10))}"/></XRD>`);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));

  it("reads XRD host-meta (entities decoded) and an XRD lrdd template", async () => {
    const d = createDiscoveryClient({ bank: await freshBank(), fetcher: loopback, log });
    assert.equal((await d.hostMeta(host)).find((l) => l.rel === "dialback")?.href, `http://${host}/db?a=1&b=2`);
    const links = await d.webfinger(`acct:carol@${host}`);
    assert.equal(links[0].href, `http://${host}/inbox/acct:carol@${host}`);
  });

  it("caches answers, fetches again when stale, and backs off after failures", async () => {
    let now = 1_000_000;
    const bank = await freshBank();
    const d = createDiscoveryClient({ bank, fetcher: loopback, log, now: () => now, webfingerTtlMs: 60_000 });
    hits.length = 0;
    await d.webfinger(`acct:dave@${host}`);
    const first = hits.length;
    await d.webfinger(`acct:dave@${host}`);
    assert.equal(hits.length, first, "served from the cache");
    now += 61_000;
    await d.webfinger(`acct:dave@${host}`);
    assert.equal(hits.filter((h) => h.startsWith("/lrdd")).length, 2, "re-validated when stale");

    // A name never seen, while the peer fails: an error, then no request until the back-off ends.
    failing = true;
    await assert.rejects(d.webfinger(`acct:erin@${host}`), DiscoveryError);
    const afterFailure = hits.length;
    await assert.rejects(d.webfinger(`acct:erin@${host}`), /not retried before/);
    assert.equal(hits.length, afterFailure, "backing off: no request");
    await assert.rejects(d.webfinger(`acct:erin@${host}`, { ignoreBackoff: true }), DiscoveryError);
    assert.ok(hits.length > afterFailure, "ignoreBackoff asks again");
    now += BACKOFF_MS[1] + 1;
    // Stale success while failing: the old links are served.
    now += 61_000;
    assert.equal((await d.webfinger(`acct:dave@${host}`))[0].href, `http://${host}/inbox/acct:dave@${host}`);
    failing = false;
  });
});

describe("a peer with WebFinger but no host-meta (ActivityPub-only servers)", () => {
  let srv: http.Server;
  let host: string;
  before(async () => {
    srv = http.createServer((req, res) => {
      if (req.url?.startsWith("/.well-known/webfinger?resource=")) {
        res.writeHead(200, { "Content-Type": "application/jrd+json" });
        return void res.end(JSON.stringify({ subject: "acct:ann@x", links: [{ rel: "self", type: "application/activity+json", href: `http://${host}/users/ann` }] }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    host = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));

  it("asks /.well-known/webfinger when host-meta is missing", async () => {
    const d = createDiscoveryClient({ bank: await freshBank(), fetcher: loopback, log });
    const links = await d.webfinger(`acct:ann@${host}`);
    assert.equal(links.find((l) => l.rel === "self")?.href, `http://${host}/users/ann`);
  });
});
