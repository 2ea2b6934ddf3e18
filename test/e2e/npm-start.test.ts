// The README's promise: `npm start` (after `npm install`) serves on
// http://127.0.0.1:31337 with the embedded SQLite default, data under ./data.
// Run in a copy of the built tree so the test never touches a developer's
// own ./data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../support/process";

const PORT = 31337;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function waitForAnswer(url: string, exited: () => boolean): Promise<Response> {
  for (let i = 0; i < 300 && !exited(); i++) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("npm start never answered");
}

test("npm start serves on 127.0.0.1:31337 with SQLite under ./data", async (t) => {
  if (!(await portFree(PORT))) {
    t.skip(`port ${PORT} is in use on this machine: npm start test skipped`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "pump-npm-start-"));
  for (const part of ["package.json", "bin", "dist", "views", "public"]) {
    if (existsSync(join(REPO_ROOT, part))) cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"));

  // Its own process group, so the whole npm → sh → node chain can be stopped.
  const child = spawn("npm", ["start"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  let exited = false;
  const done = new Promise<void>((r) => child.on("exit", () => ((exited = true), r())));
  // One hook, in this order: stop the server, wait for it, only then delete
  // its directory (removing it while the server writes there can fail, and a
  // failed hook would skip the stop and leave the server running).
  t.after(async () => {
    if (!exited) process.kill(-child.pid!, "SIGTERM");
    // Bounded: a server that ignores SIGTERM must not hang the suite (and is a failure).
    const stopped = await Promise.race([done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000).unref())]);
    if (!stopped) process.kill(-child.pid!, "SIGKILL");
    assert.ok(stopped, "npm start stopped on SIGTERM");
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  const res = await waitForAnswer(`http://127.0.0.1:${PORT}/api/nothing`, () => exited);
  assert.equal(res.status, 404, stderr);
  assert.match(res.headers.get("server") ?? "", /^pump\.io\//);
  assert.equal(typeof ((await res.json()) as { error?: unknown }).error, "string");
  assert.ok(existsSync(join(dir, "data", "pumpio.sqlite3")), "SQLite file created under ./data");
  assert.ok(existsSync(join(dir, "data", "session-secret")), "session secret generated under ./data");
});
