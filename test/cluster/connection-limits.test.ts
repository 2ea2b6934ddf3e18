// Connection limits of the worker's server (issue 9): connections that never
// send a byte, or stop in the middle of their headers, are closed after
// httpHeadersTimeout; the keep-alive timeout is configurable and advertised;
// an upgrade request on a path nothing upgrades is answered with a JSON
// error and closed instead of being left hanging.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import http from "node:http";
import { rmSync } from "node:fs";
import { startTestServer, type TestServer } from "../support/server";

/** Every raw socket of this file, destroyed at the end whatever happened. */
const open = new Set<net.Socket>();
after(() => {
  for (const s of open) s.destroy();
});

/** A raw client socket: what it received, and whether the server closed it. */
function rawSocket(port: number): { socket: net.Socket; data: () => string; closed: Promise<{ hadError: boolean }> } {
  const socket = net.connect(port, "127.0.0.1");
  open.add(socket);
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => (data += d));
  socket.on("error", () => undefined);
  const closed = new Promise<{ hadError: boolean }>((resolve) => socket.once("close", (hadError) => resolve({ hadError })));
  return { socket, data: () => data, closed };
}

async function started(t: { after(fn: () => Promise<void> | void): void }, flags: string[]): Promise<TestServer> {
  const server = await startTestServer(["--driver", "memory", ...flags]);
  t.after(async () => {
    await server.worker.close(1000);
    rmSync(server.datadir, { recursive: true, force: true });
  });
  return server;
}

function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on("error", reject);
  });
}

test("200 connections that never send a byte are closed by the server after httpHeadersTimeout", { timeout: 60_000 }, async (t) => {
  const server = await started(t, ["--httpHeadersTimeout", "500", "--httpRequestTimeout", "2000"]);
  const silent = Array.from({ length: 200 }, () => rawSocket(server.port));
  await Promise.all(silent.map((s) => new Promise((r) => s.socket.once("connect", r))));
  // One that stops in the middle of its headers is held to the same limit.
  const partial = rawSocket(server.port);
  partial.socket.write(`GET /api/nothing HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);

  await Promise.all([...silent, partial].map((s) => s.closed));
  for (const s of silent) assert.ok(s.socket.destroyed);
  assert.match(partial.data(), /^HTTP\/1\.1 408 /, "the half-sent request is told why");
  // The server itself goes on serving.
  assert.equal((await get(server.port, "/.well-known/host-meta.json")).status, 200);
});

test("the keep-alive timeout is configurable, advertised, and idle connections are closed after it", { timeout: 60_000 }, async (t) => {
  const server = await started(t, ["--httpKeepAliveTimeout", "2000"]);
  const client = rawSocket(server.port);
  client.socket.write(`GET /.well-known/host-meta.json HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
  const { hadError } = await client.closed;
  assert.equal(hadError, false, "closed cleanly, not reset");
  assert.match(client.data(), /^HTTP\/1\.1 200 /);
  assert.match(client.data(), /\r\nkeep-alive: timeout=2\r\n/i);
  assert.equal(server.config.httpHeadersTimeout, 20000, "default headers timeout");
});

test("an upgrade request on a path that takes none gets a 404 JSON error and the connection is closed", { timeout: 30_000 }, async (t) => {
  const server = await started(t, []);
  for (const path of ["/api/user/nobody/feed", "/", "/main/realtimeX"]) {
    const client = rawSocket(server.port);
    client.socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    await client.closed;
    const [head, body] = client.data().split("\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 404 /, path);
    assert.match(head, /\r\nConnection: close/i);
    assert.equal(typeof (JSON.parse(body) as { error: unknown }).error, "string");
  }
});
