// bin/pump as a real process: serves, answers the API's JSON 404 with a
// Server header, creates the SQLite file, stops gracefully on SIGTERM, and
// refuses a corrupt or unusable data directory with one clear message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { spawnPump } from "../support/process";
import { freePort } from "../support/server";

const SECRET = "a long random secret for the process tests";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pump-proc-"));
}

/** A config file in `dir` with the given keys; only this file is read (`-c`). */
function configFile(dir: string, keys: Record<string, unknown>): string {
  const file = join(dir, "pump.io.json");
  writeFileSync(file, JSON.stringify({ secret: SECRET, hostname: "127.0.0.1", ...keys }));
  return file;
}

test("serves on the configured port with the SQLite default, then stops on SIGTERM", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const datadir = join(dir, "data");
  const pump = spawnPump(["-c", configFile(dir, { port, datadir })], { HOME: dir });
  t.after(() => pump.child.kill("SIGKILL"));

  const listening = await pump.waitForLog((l) => l.msg === "listening", "listening");
  assert.equal(listening.port, port);
  assert.equal(listening.driver, "sqlite");

  const res = await fetch(`http://127.0.0.1:${port}/api/nothing`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.match(res.headers.get("server") ?? "", /^pump\.io\/\d+\.\d+\.\d+ express\/\S+ node\.js\/v\d+/);
  const body = (await res.json()) as { error?: unknown };
  assert.equal(typeof body.error, "string");
  assert.ok(existsSync(join(datadir, "pumpio.sqlite3")), "the SQLite file is created in datadir");

  // An in-flight request (its body still arriving) must be answered after SIGTERM.
  const sock = net.connect(port, "127.0.0.1");
  await new Promise((r) => sock.once("connect", r));
  let answer = "";
  sock.on("data", (d) => (answer += d));
  const payload = JSON.stringify({ hello: "world" });
  sock.write(
    `POST /api/nothing HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n${payload.slice(0, 5)}`,
  );
  await new Promise((r) => setTimeout(r, 200));
  pump.child.kill("SIGTERM");
  await pump.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("shutting down"), "shutdown start");
  sock.write(payload.slice(5));
  await new Promise((r) => sock.once("close", r));
  assert.match(answer, /^HTTP\/1\.1 404 /, "the in-flight request got its answer");

  const { code } = await pump.exited;
  assert.equal(code, 0);
  assert.match(pump.stderr(), /shut down cleanly/);
});

test("a corrupt database file gives one clear startup error, exit 1, no stack trace", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const datadir = join(dir, "data");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(datadir);
  writeFileSync(join(datadir, "pumpio.sqlite3"), "this is not a database ".repeat(200));
  const pump = spawnPump(["-c", configFile(dir, { port: await freePort(), datadir, nologger: true })], { HOME: dir });
  const { code } = await pump.exited;
  assert.equal(code, 1);
  const err = pump.stderr();
  assert.match(err, /^pump: Cannot open the "sqlite" database: .*pumpio\.sqlite3/m);
  assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
});

test("a data directory that cannot be created gives one clear startup error", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const notADir = join(dir, "a-file");
  writeFileSync(notADir, "x");
  const datadir = join(notADir, "data");
  const pump = spawnPump(["-c", configFile(dir, { port: await freePort(), datadir, nologger: true })], { HOME: dir });
  const { code } = await pump.exited;
  assert.equal(code, 1);
  const err = pump.stderr();
  assert.match(err, /^pump: Cannot open the "sqlite" database: .*a-file/m);
  assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
});

test("a port already in use gives one clear startup error", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  t.after(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const pump = spawnPump(["-c", configFile(dir, { port, datadir: join(dir, "data"), nologger: true })], { HOME: dir });
  const { code } = await pump.exited;
  assert.equal(code, 1);
  assert.match(pump.stderr(), new RegExp(`^pump: Cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`, "m"));
});
