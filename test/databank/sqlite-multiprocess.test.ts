import { test } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openBank } from "../../lib/databank";
import type { HammerConfig, HammerMessage } from "../support/sqlite-hammer";
import { HAMMER_SCHEMA } from "../support/sqlite-hammer";

const HAMMER = path.join(__dirname, "..", "support", "sqlite-hammer.js");
const WORKERS = 3;
const COUNT = 300; // of each operation kind, per worker

interface Worker {
  child: ChildProcess;
  output: string;
  /** Resolves on the first message of that kind; rejects if the child dies first. */
  next(kind: HammerMessage["kind"]): Promise<HammerMessage>;
}

function startWorker(config: HammerConfig): Worker {
  const child = fork(HAMMER, [JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: [] });
  const seen = new Map<string, HammerMessage>();
  const waiters = new Map<string, { resolve(m: HammerMessage): void; reject(e: Error): void }>();
  const worker: Worker = {
    child,
    output: "",
    next(kind) {
      const m = seen.get(kind);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => waiters.set(kind, { resolve, reject }));
    },
  };
  const collect = (chunk: Buffer): void => void (worker.output += chunk.toString("utf8"));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.on("message", (m: HammerMessage) => {
    seen.set(m.kind, m);
    if (m.kind === "fatal") {
      for (const w of waiters.values()) w.reject(new Error(`worker ${config.worker} failed: ${m.error}`));
    }
    waiters.get(m.kind)?.resolve(m);
  });
  // "close", not "exit": only then have all of the child's messages arrived.
  child.on("close", (code, signal) => {
    const err = new Error(`worker ${config.worker} exited (${signal ?? code}) early:\n${worker.output}`);
    for (const [kind, w] of waiters) if (!seen.has(kind)) w.reject(err);
  });
  return worker;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

test(
  `${WORKERS} processes share one SQLite file: atomic incr, append and create, no lock errors`,
  { timeout: 120_000 }, // hang guard only
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-sqlite-mp-"));
    const file = path.join(dir, "shared.sqlite3");
    const workers = Array.from({ length: WORKERS }, (_, worker) =>
      // A tight busy timeout, so waiting for the lock must go through the driver's retries.
      startWorker({ file, busyTimeout: 100, worker, count: COUNT, lanes: 8 }),
    );
    t.after(() => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await Promise.all(workers.map((w) => w.next("ready")));

    // Hold the write lock, far longer than the busy timeout, until every
    // worker has hit SQLITE_BUSY and retried: the retry path is then certain
    // to have run in each process, whatever the scheduling.
    const locker = new Database(file);
    locker.exec("BEGIN IMMEDIATE");
    for (const w of workers) w.child.send("go");
    await Promise.all(workers.map((w) => w.next("contended")));
    locker.exec("COMMIT");
    locker.close();

    const reports = (await Promise.all(workers.map((w) => w.next("done")))) as Extract<HammerMessage, { kind: "done" }>[];
    const codes = await Promise.all(workers.map((w) => exited(w.child)));
    assert.deepEqual(codes, Array(WORKERS).fill(0), workers.map((w) => w.output).join("\n"));
    for (const r of reports) {
      assert.deepEqual(r.errors, [], `worker ${r.worker} saw errors`);
      assert.ok(r.busyRetries > 0, `worker ${r.worker} never retried`);
    }

    // Every increment got a distinct result: no two read-modify-writes interleaved.
    const total = WORKERS * COUNT;
    const incrResults = reports.flatMap((r) => r.incrResults).sort((a, b) => a - b);
    assert.deepEqual(incrResults, Array.from({ length: total }, (_, i) => i + 1));

    const bank = await openBank({ driver: "sqlite", params: { file }, schema: HAMMER_SCHEMA });
    try {
      assert.equal(await bank.read("counter", "shared"), total);

      const expectedIds = workers.flatMap((_, w) => Array.from({ length: COUNT }, (_, i) => `${w}:${i}`)).sort();
      const list = await bank.read<string[]>("list", "shared");
      assert.equal(list.length, total, "appends lost or duplicated");
      assert.deepEqual([...list].sort(), expectedIds);

      const created = await bank.readAll<{ id: string; worker: number; i: number }>("hammered", expectedIds);
      const missing = expectedIds.filter((id) => created[id] === null);
      assert.deepEqual(missing, [], "created keys not readable");
      for (const id of expectedIds) assert.equal(`${created[id]!.worker}:${created[id]!.i}`, id);
      assert.equal((await bank.search("hammered", { worker: 1 })).length, COUNT);
    } finally {
      await bank.disconnect();
    }
  },
);
