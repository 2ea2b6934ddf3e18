import { fork, type ChildProcess } from "node:child_process";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import autocannon from "autocannon";

/**
 * The benchmarked server, in its own process (bench/api-server.ts) so it
 * does not share an event loop with autocannon.
 */
export function startBenchServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(path.join(__dirname, "api-server.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve({ url: m.url, child }));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

export function stopBenchServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send("stop");
  });
}

/** "Date: … Machine: N CPUs (model), X GiB RAM, Node vN." for a results section. */
export function machineLine(): string {
  const cpu = cpus();
  return (
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? "unknown"}), ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.`
  );
}

/** How long and how hard each measurement runs. */
export interface BenchOptions {
  /** Seconds per endpoint or page (default 10). */
  duration?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
}

/** One measured endpoint: a row of a results table. */
export interface BenchRow {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Mean answer size. */
  kib: number;
}

/** Runs autocannon once and keeps the figures the results tables show. */
export async function measure(name: string, opts: autocannon.Options): Promise<BenchRow> {
  const r = await autocannon(opts);
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    kib: r.requests.total > 0 ? r.throughput.total / r.requests.total / 1024 : 0,
  };
}
