// Rolling restarts under keep-alive clients that pause between requests
// (issue 8): a draining worker must never close a connection a client may
// still reuse. Twenty rolling restarts of a real bin/pump (two workers,
// SQLite) while Node's http agent and undici send requests with pauses from
// 0 to 1,000 ms on their kept-alive connections: not one request may fail.
// (With the old drain, which cut connections idle for 250 ms, requests sent
// after a pause of 250–1,000 ms were reset.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { isEvent, startCluster, tempDir, cleanupAfter, type Cluster } from "../cluster/support";
import { startKeepAliveClients } from "../cluster/keep-alive-clients";

const RESTARTS = 20;

test(`${RESTARTS} rolling restarts under pausing keep-alive clients (Node agent, undici): no failed request`, { timeout: 600_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { children: 2, driver: "sqlite" } });
  const c = cluster;
  const clients = startKeepAliveClients({ port: c.port, path: "/.well-known/host-meta.json", loops: 4, maxThinkMs: 1000 });
  t.after(() => clients.stop());

  await clients.waitForMore(40);
  for (let i = 1; i <= RESTARTS; i++) {
    assert.equal(await c.control("RESTART"), "ACK", `restart ${i} accepted`);
    await c.waitForLogs(isEvent("restart-complete"), `restart ${i} to complete`, i, 120_000);
  }
  await clients.waitForMore(40);
  const outcomes = await clients.stop();

  const failed = outcomes.filter((o) => o.error !== null || o.status !== 200);
  const show = failed.slice(0, 5).map((o) => `${o.kind} after ${o.thinkMs} ms (reused ${o.reused}): ${o.error ?? o.status}`);
  assert.deepEqual(show, [], `${failed.length} of ${outcomes.length} requests failed`);

  // The run did what it claims: both kinds, pauses over the whole range,
  // connections reused after long pauses, and drains that told clients to close.
  for (const kind of ["node", "undici"] as const) {
    const mine = outcomes.filter((o) => o.kind === kind);
    assert.ok(mine.some((o) => o.thinkMs >= 900), `${kind} paused up to a second`);
    assert.ok(mine.some((o) => o.connection === "close"), `${kind} was told to close by a draining worker`);
  }
  assert.ok(outcomes.some((o) => o.reused === true && o.thinkMs >= 250), "connections were reused after long pauses");
  assert.equal(c.logs().filter(isEvent("restart-step")).length, RESTARTS * 2, "every worker replaced in every restart");
  assert.equal(c.logs().filter(isEvent("worker-killed")).length, 0, "every worker drained within workerShutdownTimeout");
  assert.equal(c.logs().filter(isEvent("worker-died")).length, 0);
  const told = outcomes.filter((o) => o.connection === "close").length;
  t.diagnostic(`${outcomes.length} requests (${told} answered with Connection: close), 0 failed, over ${RESTARTS} rolling restarts`);

  const { code } = await c.stop();
  assert.equal(code, 0);
});
