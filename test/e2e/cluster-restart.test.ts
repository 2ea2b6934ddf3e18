// Zero-downtime restart of the real bin/pump: three workers on SQLite serve a
// steady load over keep-alive connections while SIGUSR2 replaces every
// worker with the code now on disk. Nothing may fail, every worker is
// replaced, and the new code (a new version in package.json) is what serves
// afterwards. Then the upstream bug where the last replacement was later
// misread as a failed spawn: killing it must be an ordinary respawn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyTree, isEvent, setTreeVersion, startCluster, tempDir, cleanupAfter, type Cluster } from "../cluster/support";
import { startLoad } from "../cluster/load";
import { missingUsers, signedGetHeader, startWriters } from "../cluster/writes";

const NEW_VERSION = "9.9.9-restarted";

test("SIGUSR2 replaces every worker under load without a single failed request", { timeout: 180_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  const tree = copyTree(dir);
  cluster = await startCluster({ dir, tree, config: { children: 3, driver: "sqlite" } });
  const c = cluster;
  const before = c.workerPids();
  assert.equal(before.length, 3);

  // OAuth-signed writes (user registrations, each on a fresh connection) and
  // OAuth-signed reads of a user on keep-alive connections, at the same time.
  const writers = await startWriters(c.url, 2, "during");
  const readPath = `/api/user/${writers.acked[0]}`;
  const load = startLoad({
    port: c.port,
    concurrency: 6,
    next: () => ({ path: readPath, headers: { Authorization: signedGetHeader(c.url, writers.client, readPath) } }),
  });
  t.after(() => Promise.all([load.stop(), writers.stop()]));
  try {
    await load.waitForMore(100);
    await writers.waitForAcks(2);
    const oldVersion = load.outcomes[0].server;
    assert.match(oldVersion ?? "", /^pump\.io\/0\./);

    setTreeVersion(tree, NEW_VERSION);
    c.pump.child.kill("SIGUSR2");
    const [complete] = await c.waitForLogs(isEvent("restart-complete"), "zero-downtime restart complete", 1, 120_000);
    const completedAt = Date.parse(complete.time as string);
    await load.waitForMore(200);
    await writers.waitForAcks(2);
    const outcomes = await load.stop();
    await writers.stop();
    assert.deepEqual(writers.failures, [], "every write was acknowledged");
    assert.ok(writers.acked.length >= 4);
    const writesDuring = writers.acked.length;

    const errors = outcomes.filter((o) => o.error !== null);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} requests failed at the connection level`);
    const bad = outcomes.filter((o) => o.status !== 200);
    assert.deepEqual(bad.slice(0, 5), [], "every read answered 200 (no 5xx, no refusal)");
    assert.ok(outcomes.length >= 300);

    // Every worker replaced, one at a time, by a new process.
    const replaced = complete.replaced as Array<{ old: number; pid: number }>;
    assert.deepEqual(replaced.map((r) => r.old).sort(), [...before].sort());
    const after = c.workerPids();
    assert.equal(after.length, 3);
    for (const pid of after) assert.ok(!before.includes(pid), `worker ${pid} is new`);
    assert.deepEqual([...after].sort(), replaced.map((r) => r.pid).sort());
    assert.equal(c.logs().filter(isEvent("restart-step")).length, 3);
    // Each replacement listened before its old worker was asked to stop: never a worker short.
    const steps = c.logs().filter((l) => ["restart-step", "restart-step-complete", "restart-step-exit"].includes(l.event as string)).map((l) => l.event);
    assert.deepEqual(steps, Array(3).fill(["restart-step", "restart-step-complete", "restart-step-exit"]).flat());
    assert.equal(c.logs().filter(isEvent("worker-died")).length, 0, "no worker crashed");

    // The code now on disk serves: old version before, new version after.
    const late = outcomes.filter((o) => o.at > completedAt + 50);
    assert.ok(late.length > 0);
    for (const o of late) assert.match(o.server ?? "", new RegExp(`^pump\\.io/${NEW_VERSION.replace(/\./g, "\\.")} `));
    assert.ok(outcomes.some((o) => o.server?.startsWith(oldVersion!.split(" ")[0])), "the old version served before");
    // The master itself keeps its version (it is not replaced).
    assert.match(await c.control("VERSION"), /^ACK 0\./);

    // Every acknowledged write is there, read through the new workers.
    assert.deepEqual(await missingUsers(c.url, writers.client, writers.acked), []);
    t.diagnostic(`${outcomes.length} reads and ${writesDuring} writes, all answered; ${late.length} reads after the restart`);
  } finally {
    await load.stop();
    await writers.stop();
  }

  // The last replacement is an ordinary worker now: a crash is respawned,
  // and restarts are still possible (upstream misread it as a failed spawn).
  const last = (c.logs().filter(isEvent("restart-complete"))[0].replaced as Array<{ pid: number }>).at(-1)!.pid;
  process.kill(last, "SIGKILL");
  const [died] = await c.waitForLogs((l) => l.event === "worker-died" && l.worker === last, "the crash of the last replacement");
  assert.equal(died.signal, "SIGKILL");
  await c.waitForLogs((l) => l.event === "worker-listening" && l.reason === "respawn", "the respawned worker");
  assert.equal(c.logs().filter(isEvent("restart-failed")).length, 0);
  assert.equal(await c.control("RESTART"), "ACK");

  // Stopping in the middle of that restart is an ordinary, clean stop.
  const { code } = await c.stop();
  assert.equal(code, 0);
  assert.equal(c.logs().filter(isEvent("worker-died")).length, 1, "only the crash we caused");
});
