// kill -9 of a worker in the middle of a write load: the master respawns it
// (with a growing backoff when it keeps crashing), no acknowledged write is
// lost, and the SQLite file is intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { cleanupAfter, isEvent, startCluster, tempDir, type Cluster } from "../cluster/support";
import { missingUsers, startWriters } from "../cluster/writes";

test("a worker killed with SIGKILL during writes is respawned; acknowledged writes survive; the file is intact", { timeout: 120_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { children: 2, driver: "sqlite" } });
  const c = cluster;
  const writers = await startWriters(c.url, 3, "crash", { tolerateFailures: true });
  t.after(() => writers.stop());
  await writers.waitForAcks(3);

  const [victim] = c.workerPids();
  process.kill(victim, "SIGKILL");
  const [died] = await c.waitForLogs((l) => l.event === "worker-died" && l.worker === victim, "the crash log");
  assert.equal(died.level, 50);
  assert.equal(died.signal, "SIGKILL");
  assert.equal(died.delayMs, 0, "the first crash is answered at once");
  const [respawned] = await c.waitForLogs((l) => l.event === "worker-listening" && l.reason === "respawn", "the respawned worker");

  // Crashing again soon after: the respawn now waits (backoff), and is logged.
  process.kill(respawned.worker as number, "SIGKILL");
  const [again] = await c.waitForLogs((l) => l.event === "worker-died" && l.worker === respawned.worker, "the second crash");
  assert.equal(again.streak, 2);
  assert.ok((again.delayMs as number) > 0, "a crash streak backs off");
  await c.waitForLogs((l) => l.event === "worker-listening" && l.reason === "respawn", "the second respawn", 2);

  await writers.waitForAcks(3);
  await writers.stop();
  // Requests in flight on the killed worker may fail; what was acknowledged must be there.
  assert.deepEqual(await missingUsers(c.url, writers.client, writers.acked), []);
  t.diagnostic(`${writers.acked.length} writes acknowledged, ${writers.failures.length} cut by the kills`);

  assert.equal((await c.stop()).code, 0);
  const db = new Database(join(dir, "data", "pumpio.sqlite3"), { readonly: true });
  try {
    assert.deepEqual(db.pragma("integrity_check"), [{ integrity_check: "ok" }]);
  } finally {
    db.close();
  }
  assert.equal(c.logs().filter(isEvent("restart-failed")).length, 0);
});
