// The guards of the zero-downtime restart, one test each, on the real
// bin/pump master: every refusal has its log line and its control-socket
// NACK reason, and none leaves the master stuck.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RESTART_EPOCH } from "../../lib/cluster/epoch";
import net from "node:net";
import { writeFileSync, readFileSync } from "node:fs";
import {
  cleanupAfter,
  controlPipelined,
  copyTree,
  isEvent,
  setTreeEpoch,
  startCluster,
  tempDir,
  type Cluster,
  type LogLine,
} from "../cluster/support";

const refused = (reason: string, trigger?: string) => (l: LogLine) =>
  l.event === "restart-refused" && l.reason === reason && (trigger === undefined || l.trigger === trigger);

async function started(t: { after(fn: () => void | Promise<void>): void }, config: Record<string, unknown>, tree?: (dir: string) => string) {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config, tree: tree?.(dir) });
  return cluster;
}

test("only one worker: RESTART and SIGUSR2 are refused", { timeout: 60_000 }, async (t) => {
  const c = await started(t, { children: 1, driver: "sqlite" });
  assert.equal(await c.control("RESTART"), "NACK no workers");
  const [line] = await c.waitForLogs(refused("no workers", "control socket"), "the refusal log");
  assert.equal(line.level, 40);
  assert.match(line.msg as string, /only one worker/);
  c.pump.child.kill("SIGUSR2");
  await c.waitForLogs(refused("no workers", "SIGUSR2"), "the SIGUSR2 refusal");
  assert.equal(c.logs().filter(isEvent("restart-start")).length, 0);
  assert.equal((await c.stop()).code, 0);
});

test("a driver not shared between processes (memory) is refused", { timeout: 60_000 }, async (t) => {
  const c = await started(t, { children: 2, driver: "memory" });
  assert.equal(await c.control("RESTART"), "NACK bad driver");
  const [line] = await c.waitForLogs(refused("bad driver", "control socket"), "the refusal log");
  assert.match(line.msg as string, /"memory" driver is not shared between processes/);
  assert.equal(c.logs().filter(isEvent("restart-start")).length, 0);
  assert.equal((await c.stop()).code, 0);
});

test("a restart while one is in flight is ignored; the next one after it works", { timeout: 90_000 }, async (t) => {
  const c = await started(t, { children: 2, driver: "sqlite" });
  // Both lines are read in one go, so the second certainly finds the first in flight.
  assert.deepEqual(await controlPipelined(c.socket, ["RESTART", "RESTART"]), ["ACK", "NACK restart in flight"]);
  const [line] = await c.waitForLogs(refused("restart in flight"), "the in-flight log");
  assert.match(line.msg as string, /already in flight/);
  await c.waitForLogs(isEvent("restart-complete"), "the first restart");
  assert.equal(c.logs().filter(isEvent("restart-start")).length, 1);
  assert.equal(await c.control("RESTART"), "ACK");
  await c.waitForLogs(isEvent("restart-complete"), "the second restart", 2);
  assert.equal((await c.stop()).code, 0);
});

test("a changed restart epoch on disk is refused, and the master is not left in flight", { timeout: 90_000 }, async (t) => {
  let tree = "";
  const c = await started(t, { children: 2, driver: "sqlite" }, (dir) => (tree = copyTree(dir)));
  setTreeEpoch(tree, RESTART_EPOCH + 1);
  assert.equal(await c.control("RESTART"), "NACK incompatibility");
  const [line] = await c.waitForLogs(refused("incompatibility", "control socket"), "the refusal log");
  assert.match(line.msg as string, /incompatible/);
  c.pump.child.kill("SIGUSR2");
  await c.waitForLogs(refused("incompatibility", "SIGUSR2"), "the SIGUSR2 refusal");
  assert.equal(c.logs().filter(isEvent("restart-start")).length, 0);
  // Back to the master's epoch: accepted (the refusal left no in-flight flag behind).
  setTreeEpoch(tree, RESTART_EPOCH);
  assert.equal(await c.control("RESTART"), "ACK");
  await c.waitForLogs(isEvent("restart-complete"), "the restart");
  assert.equal((await c.stop()).code, 0);
});

test("a worker that cannot drain is killed after workerShutdownTimeout, and the restart goes on", { timeout: 90_000 }, async (t) => {
  const c = await started(t, { children: 2, driver: "sqlite", workerShutdownTimeout: 1000 });
  const before = c.workerPids();
  // A request whose body never finishes keeps its worker from draining.
  const slow = net.connect(c.port, "127.0.0.1");
  await new Promise((r) => slow.once("connect", r));
  slow.on("error", () => undefined);
  const slowClosed = new Promise((r) => slow.once("close", r));
  slow.write(`POST /api/nothing HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
  assert.equal(await c.control("RESTART"), "ACK");
  const [killed] = await c.waitForLogs(isEvent("worker-killed"), "the kill of the stuck worker");
  assert.equal(killed.level, 40);
  assert.equal(killed.timeoutMs, 1000);
  assert.ok(before.includes(killed.worker as number));
  const [complete] = await c.waitForLogs(isEvent("restart-complete"), "the end of the restart");
  assert.equal((complete.replaced as unknown[]).length, 2);
  assert.equal(c.logs().filter(isEvent("worker-killed")).length, 1, "only the stuck worker was killed");
  await slowClosed;
  assert.equal((await c.stop()).code, 0);
});

test("a new worker dying at spawn (invalid JSON config) locks restarts and respawns out", { timeout: 90_000 }, async (t) => {
  const c = await started(t, { children: 2, driver: "sqlite" });
  const good = readFileSync(c.configFile, "utf8");
  writeFileSync(c.configFile, good.slice(0, -1) + ", oops }");
  assert.equal(await c.control("RESTART"), "ACK");
  const [failed] = await c.waitForLogs(isEvent("restart-failed"), "the failed restart");
  assert.equal(failed.level, 50);
  assert.match(failed.msg as string, /restarts and respawns are disabled until the master is restarted/);
  assert.match(failed.error as string, /JSON/);

  assert.equal(await c.control("RESTART"), "NACK aborted restart");
  await c.waitForLogs(refused("aborted restart", "control socket"), "the lock-out refusal");
  c.pump.child.kill("SIGUSR2");
  await c.waitForLogs(refused("aborted restart", "SIGUSR2"), "the SIGUSR2 lock-out refusal");

  // The remaining old worker still serves; when it dies it is not respawned.
  const res = await fetch(`${c.url}/api/nothing`);
  assert.ok(res.status < 500 && /^pump\.io\//.test(res.headers.get("server") ?? ""), "served");
  const [survivor] = c.workerPids();
  const forks = c.logs().filter(isEvent("fork")).length;
  process.kill(survivor, "SIGKILL");
  const [refusedRespawn] = await c.waitForLogs((l) => l.event === "respawn-refused" && l.worker === survivor, "the refused respawn");
  assert.match(refusedRespawn.msg as string, /not respawning/);
  assert.equal(c.logs().filter(isEvent("fork")).length, forks, "nothing was forked");
  assert.equal((await c.stop()).code, 0);
});

test("a new worker that cannot bind (abortRestart) locks restarts out", { timeout: 90_000 }, async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  t.after(() => blocker.close());
  const taken = (blocker.address() as net.AddressInfo).port;
  const c = await started(t, { children: 2, driver: "sqlite" });
  // New workers read the config again: point them at a port someone else holds.
  const config = JSON.parse(readFileSync(c.configFile, "utf8")) as Record<string, unknown>;
  writeFileSync(c.configFile, JSON.stringify({ ...config, port: taken }));
  assert.equal(await c.control("RESTART"), "ACK");
  const [startup] = await c.waitForLogs(isEvent("worker-startup-failed"), "the new worker's report");
  assert.match(startup.error as string, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${taken}: the address is already in use`));
  const [failed] = await c.waitForLogs(isEvent("restart-failed"), "the failed restart");
  assert.equal(failed.worker, startup.worker);
  assert.equal(await c.control("RESTART"), "NACK aborted restart");
  assert.ok((await fetch(`${c.url}/api/nothing`)).status < 500, "the other worker still serves");
  assert.equal((await c.stop()).code, 0);
});
