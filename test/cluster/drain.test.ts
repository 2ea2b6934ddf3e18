// The worker's ordered shutdown, in-process on a real server: keep-alive
// clients in the middle of a load never see a connection reset, and
// realtime (upgraded) connections are asked to reconnect elsewhere instead
// of holding the shutdown open.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { Duplex } from "node:stream";
import { rmSync } from "node:fs";
import { startTestServer } from "../support/server";
import { startLoad } from "./load";
import type { ReconnectHint } from "../../lib/cluster/realtime";

test("draining under a keep-alive load answers every request already sent", { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => rmSync(server.datadir, { recursive: true, force: true }));
  const load = startLoad({ port: server.port, concurrency: 8, next: () => ({ path: "/api/nothing" }) });
  t.after(() => load.stop());
  await load.waitForMore(300);
  await server.worker.close(Infinity);
  const outcomes = await load.stop();
  // After the close, new connections are refused (no other worker here);
  // a request written on an open connection must never be cut.
  const cut = outcomes.filter((o) => o.error !== null && !o.error.startsWith("ECONNREFUSED"));
  assert.deepEqual(cut.slice(0, 5), []);
  assert.ok(outcomes.filter((o) => o.status !== null).length >= 300);
  assert.ok(outcomes.every((o) => o.status === null || o.status < 500));
});

test("realtime connections get a reconnect hint and do not hold the shutdown open", { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => rmSync(server.datadir, { recursive: true, force: true }));
  const hints: ReconnectHint[] = [];
  // Stands in for the websocket layer: takes upgraded sockets; registers only the "polite" ones.
  const take = (req: { url?: string }, socket: Duplex) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
    if (req.url === "/polite") {
      const unregister = server.worker.realtime.register((hint) => {
        hints.push(hint);
        unregister();
        socket.end(`reconnect after ${hint.reconnectAfterMs}\n`);
      });
    }
  };
  server.worker.upgrades.add("/polite", take);
  server.worker.upgrades.add("/rude", take);
  const open = async (path: string) => {
    const s = net.connect(server.port, "127.0.0.1");
    let data = "";
    s.on("data", (d) => (data += d));
    s.on("error", () => undefined);
    const closed = new Promise<void>((r) => s.once("close", () => r()));
    s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n`);
    while (!data.includes("101")) await new Promise((r) => setTimeout(r, 10));
    return { closed, data: () => data };
  };
  const polite = await open("/polite");
  const rude = await open("/rude");
  assert.equal(server.worker.realtime.size, 1);

  await server.worker.close(Infinity);
  await polite.closed;
  await rude.closed;
  assert.deepEqual(hints, [{ reconnectAfterMs: 0, reason: "shutdown" }]);
  assert.match(polite.data(), /reconnect after 0\n$/);
  assert.doesNotMatch(rude.data(), /reconnect/, "the unregistered one was simply cut");
});

/** Sends GET `path` on an open raw socket and resolves with the whole answer's head once it has come. */
function rawGet(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    const onData = (d: Buffer) => {
      data += d.toString("latin1");
      const end = data.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: (\d+)/i.exec(data);
      if (end >= 0 && length && data.length >= end + 4 + Number(length[1])) {
        socket.off("data", onData);
        resolve(data.slice(0, end));
      }
    };
    socket.on("data", onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${socket.remotePort}\r\n\r\n`);
  });
}

test("a draining server keeps an idle kept-alive connection usable until its advertised timeout, then says close", { timeout: 60_000 }, async (t) => {
  const server = await startTestServer(["--driver", "memory"]);
  t.after(() => server.close());
  const socket = net.connect(server.port, "127.0.0.1");
  t.after(() => socket.destroy());
  socket.on("error", () => undefined);
  const closed = new Promise<boolean>((r) => socket.once("close", (hadError) => r(hadError)));
  const first = await rawGet(socket, "/.well-known/host-meta.json");
  assert.match(first, /\r\nKeep-Alive: timeout=5(\r\n|$)/i);

  const drained = server.worker.close(Infinity);
  // The client thinks for a while (well within the 5 s it was promised; the
  // old drain cut connections idle for 250 ms), then reuses the connection.
  await new Promise((r) => setTimeout(r, 600));
  const second = await rawGet(socket, "/.well-known/host-meta.json");
  assert.match(second, /^HTTP\/1\.1 200 /);
  assert.match(second, /\r\nConnection: close(\r\n|$)/i);
  assert.equal(await closed, false, "the server closed it cleanly after the answer");
  await drained;
});

test("a draining server closes an idle connection nobody reuses once its keep-alive time is over", { timeout: 60_000 }, async (t) => {
  const server = await startTestServer(["--driver", "memory", "--httpKeepAliveTimeout", "1000"]);
  t.after(() => server.close());
  const socket = net.connect(server.port, "127.0.0.1");
  t.after(() => socket.destroy());
  socket.on("error", () => undefined);
  const closed = new Promise<boolean>((r) => socket.once("close", (hadError) => r(hadError)));
  assert.match(await rawGet(socket, "/.well-known/host-meta.json"), /\r\nKeep-Alive: timeout=1(\r\n|$)/i);
  // And one that was opened but never used.
  const unused = net.connect(server.port, "127.0.0.1");
  t.after(() => unused.destroy());
  unused.on("error", () => undefined);
  await new Promise((r) => unused.once("connect", r));
  const unusedClosed = new Promise<boolean>((r) => unused.once("close", (hadError) => r(hadError)));
  await server.worker.close(Infinity);
  assert.equal(await closed, false);
  assert.equal(await unusedClosed, false);
});
