// spamhost (activityspam) and firehose (federation.md §8-9) against local
// stand-ins for those outside services: a spam verdict refuses the post,
// a dead spam server does not; public local posts reach the firehose without bto/bcc.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort, startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds, type Creds } from "../support/oauth-client";

const PUBLIC = "http://activityschema.org/collection/public";

interface StandIn {
  port: number;
  seen: Array<{ method: string; url: string; auth: string; body: any }>;
  close(): Promise<void>;
}

async function standIn(handler: (req: http.IncomingMessage, body: any, res: http.ServerResponse) => void): Promise<StandIn> {
  const seen: StandIn["seen"] = [];
  const srv = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = raw ? JSON.parse(raw) : null;
      seen.push({ method: req.method ?? "", url: req.url ?? "", auth: String(req.headers.authorization ?? ""), body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { port: (srv.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

async function user(srv: TestServer, nick: string): Promise<Creds> {
  const client = await registerClient(srv.url);
  const { token } = await registerUser(srv.url, client, nick, "white*rabbit42");
  return userCreds(client, token);
}

const note = (content: string, extra: Record<string, unknown> = {}) => ({ verb: "post", object: { objectType: "note", content }, ...extra });

describe("spamhost", () => {
  let spam: StandIn;
  let srv: TestServer;
  let alice: Creds;
  before(async () => {
    spam = await standIn((req, body, res) => {
      const isSpam = JSON.stringify(body).includes("cheap pills");
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ isSpam, probability: isSpam ? 0.99 : 0.01 }));
    });
    srv = await startTestServer(["--driver", "memory", "--spamhost", `http://127.0.0.1:${spam.port}`, "--spamclientid", "spam-id", "--spamclientsecret", "spam-secret"]);
    alice = await user(srv, "alice");
  });
  after(async () => { await srv.close(); await spam.close(); });

  it("a post the spam server calls spam is refused with 400 and not stored; others pass", async () => {
    spam.seen.length = 0;
    const bad = await signedRequest(srv.url, alice, "POST", "/api/user/alice/feed", note("cheap pills here"));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, "Looks like spam");
    assert.equal(spam.seen.length, 1);
    assert.equal(spam.seen[0].method, "POST");
    assert.equal(spam.seen[0].url, "/is-this-spam");
    assert.match(spam.seen[0].auth, /^OAuth .*oauth_consumer_key="spam-id"/);
    const good = await signedRequest(srv.url, alice, "POST", "/api/user/alice/feed", note("hello"));
    assert.equal(good.status, 200);
    const feed = await signedRequest(srv.url, alice, "GET", "/api/user/alice/feed");
    assert.ok(feed.body.items.every((a: any) => !String(a.object?.content).includes("cheap pills")));
  });
});

describe("a dead spam server", () => {
  let srv: TestServer;
  before(async () => {
    const nobody = await freePort();
    srv = await startTestServer(["--driver", "memory", "--spamhost", `http://127.0.0.1:${nobody}`, "--spamclientid", "id", "--spamclientsecret", "s"]);
  });
  after(() => srv.close());
  it("costs a log line, not the post", async () => {
    const bob = await user(srv, "bob");
    const res = await signedRequest(srv.url, bob, "POST", "/api/user/bob/feed", note("cheap pills, but nobody checks"));
    assert.equal(res.status, 200);
  });
});

describe("firehose", () => {
  let hose: StandIn;
  let srv: TestServer;
  before(async () => {
    hose = await standIn((req, _body, res) => {
      if (req.method === "OPTIONS") res.writeHead(200, { Allow: "OPTIONS, POST" }).end();
      else res.writeHead(200).end("ok");
    });
    srv = await startTestServer(["--driver", "memory", "--firehose", `127.0.0.1:${hose.port}`]);
  });
  after(async () => { await srv.close(); await hose.close(); });

  it("gets public posts by local people, without bto/bcc, and not private ones", async () => {
    const carol = await user(srv, "carol");
    const privateOne = await signedRequest(srv.url, carol, "POST", "/api/user/carol/feed", note("just for me", { to: [{ objectType: "person", id: `${srv.url}/api/user/carol/profile` }] }));
    assert.equal(privateOne.status, 200);
    const pub = await signedRequest(srv.url, carol, "POST", "/api/user/carol/feed", note("hello world", { to: [{ objectType: "collection", id: PUBLIC }], bcc: [{ objectType: "person", id: `${srv.url}/api/user/carol/profile` }] }));
    assert.equal(pub.status, 200);
    const deadline = Date.now() + 30_000;
    let pings: StandIn["seen"] = [];
    while (Date.now() < deadline) {
      pings = hose.seen.filter((s) => s.method === "POST" && s.url === "/ping");
      if (pings.some((p) => p.body?.id === pub.body.id)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const ids = pings.map((p) => p.body.id);
    assert.ok(ids.includes(pub.body.id), "the public post reached the firehose");
    assert.ok(!ids.includes(privateOne.body.id), "the private one did not");
    const ping = pings.find((p) => p.body.id === pub.body.id)!;
    assert.equal(ping.body.bcc, undefined);
    assert.equal(ping.body.bto, undefined);
  });
});
