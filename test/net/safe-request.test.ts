// The safe outgoing request over real loopback HTTP: with loopback not
// allowed, a URL at 127.0.0.1 (directly, through a name, or through a
// redirect) is never fetched; timeouts, size caps, schemes and redirect
// bounds end a request with a typed error.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createAddressPolicy, type Resolver } from "../../lib/net/address-check";
import { createSafeFetcher, OutgoingRequestError, type OutgoingFailure } from "../../lib/net/safe-request";

interface Local {
  url: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

async function listen(host: string, handler: http.RequestListener): Promise<Local> {
  const hits: string[] = [];
  const srv = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    hits,
    close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
}

const failsWith = (reason: OutgoingFailure) => (err: unknown) => err instanceof OutgoingRequestError && err.reason === reason;

describe("with loopback not allowed", () => {
  let target: Local;
  before(async () => { target = await listen("127.0.0.1", (_req, res) => res.end("secret")); });
  after(() => target.close());
  // "inside.test" stands in for a name whose DNS answer is a loopback address.
  const resolver: Resolver = async (name) => (name === "inside.test" ? [{ address: "127.0.0.1", family: 4 }] : Promise.reject(new Error("ENOTFOUND")));
  const fetcher = createSafeFetcher({ policy: createAddressPolicy(), resolver });
  after(() => fetcher.close());

  it("a URL at 127.0.0.1 is refused and the local server sees no request", async () => {
    await assert.rejects(fetcher.request(`${target.url}/private`), failsWith("address"));
    await assert.rejects(fetcher.request(`http://[::ffff:127.0.0.1]:${target.port}/private`), failsWith("address"));
    assert.deepEqual(target.hits, []);
  });

  it("a name resolving to 127.0.0.1 is refused and the local server sees no request", async () => {
    await assert.rejects(fetcher.request(`http://inside.test:${target.port}/private`), failsWith("address"));
    assert.deepEqual(target.hits, []);
  });
});

describe("redirects", () => {
  let inside: Local;
  let hop: Local;
  before(async () => {
    inside = await listen("127.0.0.1", (_req, res) => res.end("secret"));
    hop = await listen("127.0.0.2", (req, res) => {
      const n = Number((req.url ?? "").slice(1)) || 0;
      if (req.url === "/inside") res.writeHead(302, { Location: `${inside.url}/private` }).end();
      else if (req.url === "/final") res.end("here");
      else if (req.url === "/post") res.writeHead(303, { Location: "/final" }).end();
      else res.writeHead(302, { Location: n >= 2 ? "/final" : `/${n + 1}` }).end();
    });
  });
  after(async () => { await inside.close(); await hop.close(); });
  // Only 127.0.0.2 is allowed: a redirect to 127.0.0.1 must be checked again.
  const fetcher = createSafeFetcher({ policy: createAddressPolicy(["127.0.0.2"]) });
  after(() => fetcher.close());

  it("each hop is checked: a redirect to a refused address is not followed", async () => {
    await assert.rejects(fetcher.request(`${hop.url}/inside`), failsWith("address"));
    assert.deepEqual(inside.hits, []);
    assert.deepEqual(hop.hits, ["GET /inside"]);
  });
  it("are followed up to the bound, and a 303 turns a POST into a GET", async () => {
    const ok = await fetcher.request(`${hop.url}/0`);
    assert.equal(ok.status, 200);
    assert.equal(ok.text(), "here");
    assert.equal(ok.url, `${hop.url}/final`);
    await assert.rejects(fetcher.request(`${hop.url}/0`, { maxRedirects: 2 }), failsWith("redirects"));
    hop.hits.length = 0;
    const posted = await fetcher.request(`${hop.url}/post`, { method: "POST", body: "a=b" });
    assert.equal(posted.status, 200);
    assert.deepEqual(hop.hits, ["POST /post", "GET /final"]);
    assert.equal((await fetcher.request(`${hop.url}/0`, { maxRedirects: 0 })).status, 302);
  });
});

describe("limits", () => {
  let srv: Local;
  before(async () => {
    srv = await listen("127.0.0.1", (req, res) => {
      if (req.url === "/slow") return; // never answers
      if (req.url === "/big") {
        res.writeHead(200, { "Content-Type": "application/octet-stream" });
        res.end(Buffer.alloc(64 * 1024, 1));
        return;
      }
      if (req.url === "/bigstream") {
        res.writeHead(200); // chunked: no Content-Length to trust
        for (let i = 0; i < 16; i++) res.write(Buffer.alloc(4096, 1));
        res.end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify({ ua: req.headers["user-agent"] }));
    });
  });
  after(() => srv.close());
  const fetcher = createSafeFetcher({ policy: createAddressPolicy(["127.0.0.0/8"]), userAgent: "pump.io/test" });
  after(() => fetcher.close());

  it("a peer that never answers ends in a timeout error", async () => {
    await assert.rejects(fetcher.request(`${srv.url}/slow`, { timeoutMs: 200 }), failsWith("timeout"));
  });
  it("an answer over the size cap is refused, declared or streamed", async () => {
    await assert.rejects(fetcher.request(`${srv.url}/big`, { maxBytes: 1000 }), failsWith("too-large"));
    await assert.rejects(fetcher.request(`${srv.url}/bigstream`, { maxBytes: 1000 }), failsWith("too-large"));
  });
  it("only http and https", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "not a url", `http://user:pw@127.0.0.1:${srv.port}/`]) {
      await assert.rejects(fetcher.request(url), failsWith("scheme"), url);
    }
  });
  it("sends the User-Agent and reads JSON", async () => {
    const res = await fetcher.request(`${srv.url}/json`);
    assert.equal(res.mediaType, "application/json");
    assert.deepEqual(res.json(), { ua: "pump.io/test" });
  });
});
