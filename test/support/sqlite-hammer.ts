/**
 * Child process of test/databank/sqlite-multiprocess.test.ts: one "cluster
 * worker" hammering a shared SQLite file through the Bank facade.
 *
 * argv[2]: JSON HammerConfig. Protocol over IPC:
 *   child  -> { kind: "ready" }      connected
 *   parent -> "go"                    start the operations
 *   child  -> { kind: "contended" }  the driver has retried a busy lock at least once
 *   child  -> { kind: "done", ... }  every operation settled; then the child exits
 *   child  -> { kind: "fatal", ... } anything unexpected
 */
import { openBank } from "../../lib/databank";
import type { SqliteDatabank } from "../../lib/databank/sqlite";

export interface HammerConfig {
  file: string;
  busyTimeout: number;
  worker: number;
  /** Operations of each kind (incr, append, create). */
  count: number;
  /** Operations in flight at once. */
  lanes: number;
}

export type HammerMessage =
  | { kind: "ready" }
  | { kind: "contended" }
  | { kind: "done"; worker: number; incrResults: number[]; errors: string[]; busyRetries: number }
  | { kind: "fatal"; error: string };

/** Schema the hammer and its test share. */
export const HAMMER_SCHEMA = { hammered: { pkey: "id", fields: ["worker", "i"], indices: ["worker"] } };

function send(message: HammerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

function describe(err: unknown): string {
  // Driver errors already end with SQLite's code, e.g. "(SQLITE_BUSY)".
  const e = err as { name?: string; message?: string };
  return `${e?.name}: ${e?.message}`;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as HammerConfig;
  const bank = await openBank({
    driver: "sqlite",
    params: { file: cfg.file, busyTimeout: cfg.busyTimeout },
    schema: HAMMER_SCHEMA,
  });
  const raw = bank.raw as SqliteDatabank;
  const go = new Promise((resolve) => process.once("message", resolve));
  await send({ kind: "ready" });
  await go;

  // Tell the parent as soon as the retry path has been taken (it holds the
  // write lock until every worker has said so).
  const watch = setInterval(() => {
    if (raw.busyRetries > 0) {
      clearInterval(watch);
      void send({ kind: "contended" });
    }
  }, 5);

  const incrResults: number[] = [];
  const errors: string[] = [];
  const jobs: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < cfg.count; i++) {
    const id = `${cfg.worker}:${i}`;
    jobs.push(async () => incrResults.push(await bank.incr("counter", "shared")));
    jobs.push(() => bank.append("list", "shared", id));
    jobs.push(() => bank.create("hammered", id, { id, worker: cfg.worker, i }));
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await job();
      } catch (err) {
        // The first failure is reported at once, so the test fails fast
        // instead of waiting for the rest of the operations.
        if (errors.length === 0) void send({ kind: "fatal", error: `operation failed: ${describe(err)}` });
        errors.push(describe(err));
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.lanes }, lane));
  clearInterval(watch);
  await bank.disconnect();
  await send({ kind: "done", worker: cfg.worker, incrResults, errors, busyRetries: raw.busyRetries });
  process.exit(0);
}

// Only when forked: the test imports this module for its types and schema.
if (require.main === module) {
  main().catch(async (err) => {
    await send({ kind: "fatal", error: String(err?.stack ?? err) });
    process.exit(1);
  });
}
