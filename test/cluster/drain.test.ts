// The worker's ordered shutdown, in-process on a real server: keep-alive
// clients in the middle of a load never see a connection reset, and
// realtime (upgraded) connections are asked to reconnect elsewhere instead
// of holding the shutdown open.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
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
  server.worker.server.on("upgrade", (req, socket: net.Socket) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
    if (req.url === "/polite") {
      const unregister = server.worker.realtime.register((hint) => {
        hints.push(hint);
        unregister();
        socket.end(`reconnect after ${hint.reconnectAfterMs}\n`);
      });
    }
  });
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
