// Remote objects (federation.md §7): A fetches bob's profile from B with
// its own credentials there and caches it (newer wins); a hostile peer's
// answer is refused with 400 and not stored; with only 127.0.0.2 allowed,
// a profile whose links point at 127.0.0.1 never makes A contact 127.0.0.1.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser } from "../support/oauth-client";
import { silentLogger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import type { RouterContext } from "../../lib/app";
import { createFederation, InvalidRemoteObjectError, DiscoveryError, type Federation } from "../../lib/federation";

const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];
/** The running app's router context (the server's Express request listener). */
const ctxOf = (srv: TestServer) => ((srv.worker.server.listeners("request") as unknown as Express[]).find((l) => l.locals !== undefined)!.locals.ctx as RouterContext);

/** A's federation services with another allow-list, caching into A's own object store. */
function federationOf(srv: TestServer, allowed: string[]): Federation {
  const ctx = ctxOf(srv);
  return createFederation({
    config: { ...srv.config, federationAllowedAddresses: allowed },
    bank: srv.worker.bank,
    urls: new UrlMaker(srv.config),
    log: silentLogger(),
    objects: () => ({ ensure: (o) => ctx.engine.ctx.objects.ensure(o), isLocalId: (id) => ctx.engine.ctx.people.isLocalId(id) }),
  });
}

/** A stand-in for a remote pump whose registration always succeeds and whose objects are whatever `objects` says. */
async function peer(address: string, objects: Record<string, { type: string; body: string }>, selfBase?: () => string) {
  const hits: string[] = [];
  const srv = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const base = `http://${host}`;
    const json = (o: unknown) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(o));
    if (req.url === "/.well-known/host-meta.json") {
      return json({ links: [
        { rel: "lrdd", type: "application/json", template: `${base}/wf?resource={uri}` },
        { rel: "registration_endpoint", href: `${base}/register` },
        { rel: "http://apinamespace.org/oauth/request_token", href: `${base}/rt` },
        { rel: "http://apinamespace.org/oauth/authorize", href: `${base}/az` },
        { rel: "http://apinamespace.org/oauth/access_token", href: `${base}/at` },
        { rel: "http://apinamespace.org/activitypub/whoami", href: `${base}/whoami` },
      ] });
    }
    if (req.url === "/register") return json({ client_id: "cid", client_secret: "csecret", expires_at: 0 });
    if (req.url?.startsWith("/wf?resource=")) {
      const name = decodeURIComponent(req.url.slice(13)).replace(/^acct:/, "").split("@")[0];
      return json({ links: [{ rel: "self", href: `${selfBase ? selfBase() : base}/obj/${name}` }, { rel: "activity-inbox", href: `${base}/inbox/${name}` }] });
    }
    const o = objects[req.url?.replace("/obj/", "") ?? ""];
    if (o) return res.writeHead(200, { "Content-Type": o.type }).end(o.body);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => srv.listen(0, address, r));
  const host = `${address}:${(srv.address() as AddressInfo).port}`;
  return { host, hits, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

let a: TestServer, b: TestServer;
let fa: Federation;
before(async () => {
  [a, b] = await Promise.all([startTestServer(LOOPBACK), startTestServer(LOOPBACK)]);
  fa = federationOf(a, ["127.0.0.0/8"]);
  await registerUser(b.url, await registerClient(b.url), "bob", "mock*turtle42");
});
after(async () => {
  fa.close();
  await Promise.all([a.close(), b.close()]);
});

describe("fetching a remote person from a server of ours", () => {
  it("stores bob with his links, fetched with A's credentials at B", async () => {
    const id = `${b.url}/api/user/bob/profile`;
    const bob = await fa.remoteObjects.fetch(id);
    assert.equal(bob.id, id);
    assert.equal(bob.objectType, "person");
    assert.equal(bob.preferredUsername, "bob");
    assert.equal(bob.links["activity-inbox"].href, `${b.url}/api/user/bob/inbox`);
    const cached = await ctxOf(a).engine.ctx.objects.get(id);
    assert.equal(cached?.preferredUsername, "bob");
    assert.equal((await b.worker.bank.search("client", { host: new URL(a.url).host })).length, 1, "A registered at B as a host");
  });

  it("a cached copy that is newer wins over the fetched one; a bare reference does not", async () => {
    const id = `${b.url}/api/user/bob/profile`;
    const objects = ctxOf(a).engine.ctx.objects;
    const stored = await objects.get(id);
    await objects.save({ ...stored!, displayName: "Bob from the future", updated: "2999-01-01T00:00:00Z" });
    assert.equal((await fa.remoteObjects.fetch(id)).displayName, "Bob from the future");
    await objects.save({ id, objectType: "person" });
    assert.equal((await fa.remoteObjects.fetch(id)).preferredUsername, "bob");
  });
});

describe("a hostile peer", () => {
  let evil: Awaited<ReturnType<typeof peer>>;
  before(async () => {
    evil = await peer("127.0.0.1", {
      liar: { type: "application/json", body: JSON.stringify({ id: `${b.url}/api/user/bob/profile`, objectType: "person", displayName: "not bob" }) },
      html: { type: "text/html", body: "<html></html>" },
      broken: { type: "application/json", body: "{not json" },
      typeless: { type: "application/json", body: JSON.stringify({ id: "" }) },
    });
  });
  after(() => evil.close());

  for (const name of ["liar", "html", "broken", "typeless"]) {
    it(`${name}: refused with a 400 error and nothing stored`, async () => {
      const id = `acct:${name}@${evil.host}`;
      await assert.rejects(fa.remoteObjects.fetch(id), (err) => err instanceof InvalidRemoteObjectError && err.status === 400);
      assert.equal(await ctxOf(a).engine.ctx.objects.get(id), null);
    });
  }
  it("the liar did not overwrite the real bob", async () => {
    assert.equal((await ctxOf(a).engine.ctx.objects.get(`${b.url}/api/user/bob/profile`))?.preferredUsername, "bob");
  });
});

describe("with loopback not allowed (only the peer's 127.0.0.2)", () => {
  let inside: http.Server;
  let insideHits = 0;
  let insideUrl = "";
  let remote: Awaited<ReturnType<typeof peer>>;
  let strict: Federation;
  before(async () => {
    inside = http.createServer((_q, s) => { insideHits++; s.end("{}"); });
    await new Promise<void>((r) => inside.listen(0, "127.0.0.1", r));
    insideUrl = `http://127.0.0.1:${(inside.address() as AddressInfo).port}`;
    remote = await peer("127.0.0.2", {}, () => insideUrl);
    strict = federationOf(a, ["127.0.0.2"]);
  });
  after(async () => {
    strict.close();
    await remote.close();
    await new Promise<void>((r) => { inside.closeAllConnections(); inside.close(() => r()); });
  });

  it("a remote profile whose self link points at 127.0.0.1 is never fetched", async () => {
    await assert.rejects(strict.remoteObjects.fetch(`acct:mallory@${remote.host}`), DiscoveryError);
    assert.ok(remote.hits.some((h) => h.startsWith("GET /wf?")), "the peer itself was asked");
    assert.equal(insideHits, 0);
  });
});
