// Realtime across cluster workers: the real bin/pump with two workers.
// Sockets opened one after another are spread over both workers (the
// master hands connections out round-robin); a note posted through any
// worker must reach every socket, so updates travel worker -> master ->
// other workers (lib/cluster/realtime-relay.ts). Then a graceful stop
// closes the sockets with 1012 instead of waiting for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter, startCluster, tempDir, type Cluster } from "../cluster/support";
import { act, Client, contentOf, registerSession } from "../web/realtime/support";

test("a post written by one worker reaches sockets on every worker", { timeout: 120_000 }, async (t) => {
  const dir = tempDir("pump-realtime-");
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { children: 2, driver: "sqlite" } });
  const c = cluster;
  assert.equal(c.workerPids().length, 2);
  const alice = await registerSession(c.url, "alice");
  const feed = `${c.url}/api/user/alice/feed/major`;

  const sockets: Client[] = [];
  for (let i = 0; i < 6; i++) {
    const s = await Client.open(`ws://127.0.0.1:${c.port}/main/realtime`, { Origin: c.url });
    await s.follow(feed);
    sockets.push(s);
  }
  // Each post goes over a fresh connection, so the writers are both workers too.
  for (const text of ["first across workers", "second across workers"]) {
    await act(c.url, alice, "post", { content: text, to: "public" });
    for (const s of sockets) assert.match(contentOf(await s.next((m) => m.cmd === "update")), new RegExp(text));
  }
  for (const s of sockets) assert.deepEqual(s.updates(), [], "each update once");

  const closes = sockets.map((s) => s.closed);
  const stopped = await c.stop();
  assert.equal(stopped.code, 0);
  for (const closed of await Promise.all(closes)) assert.equal(closed.code, 1012);
});
