import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { loadConfig } from "../../lib/config";
import type { Logger } from "../../lib/log";
import { startWorker } from "../../lib/cluster/worker";
import { freePort } from "../support/server";

/** A logger at debug level whose lines are kept (JSON). */
function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "debug" }, sink) as unknown as Logger, lines };
}

test("a worker started with warmUp answers its warm-up requests before it listens, and stores nothing", async () => {
  const datadir = mkdtempSync(join(tmpdir(), "pump-warm-up-"));
  const port = await freePort();
  const { config } = loadConfig({
    argv: ["--hostname", "127.0.0.1", "--address", "127.0.0.1", "--port", String(port), "--datadir", datadir, "--secret", "warm-up test secret long enough", "--controlSocket", join(datadir, "pump.socket")],
    env: {},
    homeDir: null,
    etcFile: join(datadir, "no-such-etc-file.json"),
    cwd: datadir,
  });
  const { log, lines } = capturingLogger();
  const worker = await startWorker(config, log, { warmUp: true });
  try {
    const warm = lines.filter((l) => l.msg === "request" && String(l.reqId).startsWith("warm-up-"));
    assert.ok(warm.length >= 7, `${warm.length} warm-up requests`);
    // Every one answered by the app, none a server error.
    for (const l of warm) assert.ok((l.status as number) < 500, `${String(l.url)}: ${String(l.status)}`);
    const listening = lines.findIndex((l) => l.msg === "listening");
    const lastWarm = lines.lastIndexOf(warm.at(-1)!);
    assert.ok(lastWarm < listening, "warmed up before listening");
    assert.ok(lines.some((l) => l.msg === "warmed up"));
    // Nothing stored: no nonce, no session.
    let nonces = 0;
    await worker.bank.scan("nonce", () => void nonces++);
    assert.equal(nonces, 0);
    let sessions = 0;
    await worker.bank.scan("session", () => void sessions++).catch(() => undefined);
    assert.equal(sessions, 0);
    // The site answers on its own port as usual.
    const res = await fetch(`http://127.0.0.1:${worker.port}/.well-known/host-meta.json`);
    assert.equal(res.status, 200);
  } finally {
    await worker.close(1000);
    rmSync(datadir, { recursive: true, force: true });
  }
});

test("a worker started without warmUp makes no warm-up requests", async () => {
  const datadir = mkdtempSync(join(tmpdir(), "pump-warm-up-"));
  const port = await freePort();
  const { config } = loadConfig({
    argv: ["--hostname", "127.0.0.1", "--address", "127.0.0.1", "--port", String(port), "--datadir", datadir, "--secret", "warm-up test secret long enough", "--controlSocket", join(datadir, "pump.socket")],
    env: {},
    homeDir: null,
    etcFile: join(datadir, "no-such-etc-file.json"),
    cwd: datadir,
  });
  const { log, lines } = capturingLogger();
  const worker = await startWorker(config, log);
  try {
    assert.equal(lines.filter((l) => String(l.reqId ?? "").startsWith("warm-up-")).length, 0);
  } finally {
    await worker.close(1000);
    rmSync(datadir, { recursive: true, force: true });
  }
});
