// The master's control socket and bin/pumpctl, against a live master: the
// line protocol, owner-only permissions, stale-socket clean-up, never
// stealing a live master's socket, and removal on stop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { existsSync, lstatSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/process";
import { cleanupAfter, controlPipelined, isEvent, startCluster, tempDir, type Cluster } from "../cluster/support";

const PUMPCTL = join(REPO_ROOT, "bin", "pumpctl");

/** GET /api/nothing on a fresh connection, with a request id to find its log line. */
function get(port: number, requestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/api/nothing", agent: false, headers: { "X-Request-Id": requestId } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

function pumpctl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [PUMPCTL, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("control socket: line protocol, permissions, pumpctl, removal on stop", { timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { driver: "memory" } });
  const c = cluster;

  const st = lstatSync(c.socket);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o600, "owner-only");

  assert.equal(await c.control("CMDS"), "ACK CMDS VERSION EASTER LOGLEVEL RESTART JOBS");
  const version = (await c.control("VERSION")).split(" ");
  assert.equal(version[0], "ACK");
  assert.match(version[1], /^\d+\.\d+\.\d+/);
  assert.equal(await c.control("easter"), "ACK EGG", "commands are case-insensitive");
  assert.equal(await c.control("LOGLEVEL nonsense"), "NACK invalid");
  assert.equal(await c.control("LOGLEVEL"), "NACK invalid");
  assert.equal(await c.control("frobnicate now"), "NACK unknown");
  await c.waitForLogs((l) => l.msg === "unknown control command rejected" && l.socketCmd === "frobnicate", "the unknown-command log");
  // Pipelined, with blank lines ignored: one reply per command, in order.
  assert.deepEqual(await controlPipelined(c.socket, ["version", "", "  ", "cmds", "RESTART"], 3), [
    `ACK ${version[1]}`,
    "ACK CMDS VERSION EASTER LOGLEVEL RESTART JOBS",
    "NACK no workers",
  ]);

  // LOGLEVEL reaches the workers: at warn a request leaves no info line; after
  // "restore" it does again (one worker, so its lines arrive in order).
  assert.equal(await c.control("LOGLEVEL warn"), "ACK");
  // New connections each time: a connection reaches a worker over the same
  // IPC channel as the level change, so after it.
  await get(c.port, "at-warn");
  await c.control("VERSION");
  assert.equal(await c.control("LOGLEVEL restore"), "ACK");
  await get(c.port, "restored");
  await c.waitForLogs((l) => l.reqId === "restored", "the request line after restore");
  assert.equal(c.logs().filter((l) => l.reqId === "at-warn").length, 0, "no info line at level warn");
  assert.equal(c.logs().filter((l) => l.socketCmd === "VERSION").length, 2, "the master's own info lines follow the level too");

  // pumpctl: friendly messages and exit codes.
  let r = pumpctl("-s", c.socket, "version");
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version[1]);
  r = pumpctl("--socket", c.socket, "loglevel", "warn");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Log level set to warn/);
  assert.equal(pumpctl("-s", c.socket, "loglevel", "restore").code, 0);
  r = pumpctl("-s", c.socket, "restart");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^pumpctl: refused: the server runs only one worker/);
  r = pumpctl("-s", c.socket, "loglevel", "loud");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /loglevel needs one of/);
  r = pumpctl("-s", join(dir, "nope.socket"), "version");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no control socket at .*nope\.socket\. Is pump running\?/);
  r = pumpctl("--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: pumpctl \[-s SOCKET\] COMMAND/);
  r = pumpctl();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no command given/);

  assert.equal((await c.stop()).code, 0);
  assert.ok(!existsSync(c.socket), "the socket file is removed on stop");
});

test("pumpctl restart on a master that can restart: plain ACK is success", { timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { driver: "sqlite", children: 2 } });
  const r = pumpctl("-s", cluster.socket, "restart");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Zero-downtime restart started/);
  await cluster.waitForLogs(isEvent("restart-complete"), "the restart");
  assert.equal((await cluster.stop()).code, 0);
});

test("a stale socket file is cleaned up; a live master's socket is never taken", { timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let first: Cluster | undefined;
  let second: Cluster | undefined;
  cleanupAfter(t, dir, () => first);
  t.after(async () => {
    if (second && second.pump.child.exitCode === null) second.pump.child.kill("SIGKILL");
  });
  const socket = join(dir, "pump.socket");

  // A socket file nobody listens on, as a SIGKILLed master leaves it.
  const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(socket)}, () => console.log("up"))`]);
  await new Promise((r) => holder.stdout.once("data", r));
  holder.kill("SIGKILL");
  await new Promise((r) => holder.once("exit", r));
  assert.ok(lstatSync(socket).isSocket(), "the stale file is there");

  first = await startCluster({ dir, config: { driver: "memory" } });
  await first.waitForLogs((l) => l.msg === "removed stale control socket left by an earlier master", "the clean-up log");
  assert.match(await first.control("VERSION"), /^ACK /);
  const inode = statSync(socket).ino;

  // A second master given the same socket must leave the live one alone.
  const dir2 = tempDir();
  t.after(() => spawnSync("rm", ["-rf", dir2]));
  second = await startCluster({ dir: dir2, config: { driver: "memory", controlSocket: socket } });
  const [err] = await second.waitForLogs((l) => l.msg === "control socket disabled; set controlSocket to another path", "the refusal");
  assert.match(err.error as string, /in use by another running pump master/);
  assert.equal((await second.stop()).code, 0);
  assert.equal(statSync(socket).ino, inode, "the first master's socket is untouched");
  assert.match(await first.control("VERSION"), /^ACK /);
  assert.equal((await first.stop()).code, 0);
  assert.ok(!existsSync(socket));
});
