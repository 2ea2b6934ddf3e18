// The app skeleton over real HTTP: error shapes, security headers,
// canonical-host redirect, body limits, request ids.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startTestServer, type TestServer } from "../support/server";

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv.close();
});

/** A raw request so we control the Host header (fetch does not allow it). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: srv.port, method, path, headers }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

test("unknown API path: JSON 404 with an error message, no credentials needed", async () => {
  const res = await raw("GET", "/api/nothing");
  assert.equal(res.status, 404);
  assert.match(res.headers["content-type"] ?? "", /application\/json/);
  assert.equal(JSON.parse(res.body).error, "Unknown type: nothing");
  const deep = await raw("GET", "/api/a/b/c/d/e");
  assert.equal(deep.status, 404);
  assert.equal(JSON.parse(deep.body).error, "No such API endpoint: GET /api/a/b/c/d/e");
});

test("unknown page: HTML 404 for a browser", async () => {
  const res = await raw("GET", "/no/such/page", { Accept: "text/html" });
  assert.equal(res.status, 404);
  assert.match(res.headers["content-type"] ?? "", /text\/html/);
  assert.match(res.body, /<h1>404/);
});

test("security headers on every answer", async () => {
  const res = await raw("GET", "/api/nothing");
  assert.match(String(res.headers["content-security-policy"]), /default-src 'self'/);
  assert.match(String(res.headers["content-security-policy"]), /frame-ancestors 'none'/);
  assert.equal(res.headers["x-frame-options"], "DENY");
  assert.equal(res.headers["x-content-type-options"], "nosniff");
  assert.equal(res.headers["x-download-options"], "noopen");
  assert.equal(res.headers["x-powered-by"], undefined);
  assert.equal(res.headers["strict-transport-security"], undefined, "HSTS only when configured");
  assert.match(String(res.headers.server), /^pump\.io\//);
});

test("a request id is assigned, or a sane incoming one is kept", async () => {
  const a = await raw("GET", "/api/nothing");
  assert.match(String(a.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
  const b = await raw("GET", "/api/nothing", { "X-Request-Id": "trace-123" });
  assert.equal(b.headers["x-request-id"], "trace-123");
  const c = await raw("GET", "/api/nothing", { "X-Request-Id": "bad id with spaces" });
  assert.notEqual(c.headers["x-request-id"], "bad id with spaces");
});

test("another Host is redirected to the canonical one; address:port is accepted", async () => {
  const res = await raw("GET", "/api/nothing?x=1", { Host: "other.example" });
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `http://127.0.0.1:${srv.port}/api/nothing?x=1`);
  const ok = await raw("GET", "/api/nothing", { Host: `127.0.0.1:${srv.port}` });
  assert.equal(ok.status, 404);
});

test("malformed JSON is a 400 with a JSON error, not a 500", async () => {
  const res = await raw("POST", "/api/nothing", { "Content-Type": "application/json" }, '{"a": ');
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error, "Invalid JSON in request body");
});

test("an oversize body is a 413 with a JSON error", async () => {
  const big = JSON.stringify({ content: "x".repeat(1024 * 1024 + 10) });
  const res = await raw("POST", "/api/nothing", { "Content-Type": "application/json" }, big);
  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.body).error, "Request body too large");
});

test("the worker keeps serving after bad requests", async () => {
  const res = await raw("GET", "/api/nothing");
  assert.equal(res.status, 404);
});

test("robots.txt keeps crawlers out of the API", async () => {
  const res = await raw("GET", "/robots.txt");
  assert.equal(res.status, 200);
  assert.match(res.body, /Disallow: \/api\//);
});
