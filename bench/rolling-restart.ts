/**
 * Rolling-restart benchmark: a real bin/pump (SQLite, the automatic worker
 * count) under a constant autocannon load of OAuth-signed reads, first in
 * steady state, then during back-to-back zero-downtime restarts (SIGUSR2,
 * each waiting for "zero-downtime restart complete"). Reports requests
 * served and failed (must be 0) and the latency of both phases. In both
 * phases keep-alive clients that pause 0–1,000 ms between requests (Node's
 * http agent and undici) run too: the clients a drain must not reset by
 * closing a connection they are about to reuse; running them in the steady
 * state as well keeps the two phases' load the same (they used to run
 * during the restarts only, a load the steady state did not have).
 *
 * With gap-seconds, the restarts are spaced by that many seconds of the
 * same load, and the probe's requests are split into those that overlap a
 * restart (SIGUSR2 to "complete") and those between restarts: both sets
 * then see the same background load, which a shared machine changes from
 * minute to minute (the separate steady phase runs at another time).
 *
 *   node dist/bench/rolling-restart.js [restarts] [steady-seconds] [gap-seconds]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { oauthClient, registerClient, registerUser, type ClientCreds } from "../test/support/oauth-client";
import { freePort } from "../test/support/server";
import { startLoad, type Outcome } from "../test/cluster/load";
import { startKeepAliveClients, type KeepAliveOutcome } from "../test/cluster/keep-alive-clients";

function signedGetHeaderFor(url: string, client: ClientCreds, path: string): string {
  return oauthClient(url, client).authHeader(url + path, "", "", "GET");
}

/** The probe's p99 latency of a phase (answered requests only). */
function p99(phase: Phase): number {
  return probeP99(phase.probe);
}

function probeP99(outcomes: Outcome[]): number {
  return percentile(outcomes.filter((o) => o.error === null).map((o) => o.ms).sort((a, b) => a - b), 99);
}

/** Probe figures of a set of outcomes: requests | failed | p50 | p99 | max. */
function probeCells(probe: Outcome[]): string {
  const ms = probe.filter((o) => o.error === null).map((o) => o.ms).sort((a, b) => a - b);
  const failed = probe.filter((o) => o.error !== null || o.status !== 200).length;
  return `${probe.length} | ${failed} | ${percentile(ms, 50)} | ${percentile(ms, 99)} | ${ms.at(-1) ?? 0}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

export interface RollingRestartBenchOptions {
  /** Rolling restarts to run under load (default 20). */
  restarts?: number;
  /** Seconds of steady-state load to compare with (default 15). */
  steadySeconds?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
  /** Seconds of load before each restart and after the last (default 0: back to back). */
  gapSeconds?: number;
}

type LogLine = Record<string, unknown>;

/** The probe's requests of the spaced restarts: overlapping a restart, or between restarts. */
interface Split {
  inside: Outcome[];
  between: Outcome[];
}

interface Phase {
  name: string;
  seconds: number;
  result: autocannon.Result;
  probe: Outcome[];
}

/** The master's cluster log lines, as they come (request lines are skipped unread). */
class ClusterLog {
  private readonly lines: LogLine[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(child: ChildProcess) {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (!line.includes('"component":"cluster"')) return;
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        return;
      }
      for (const w of [...this.waiters]) w();
    });
  }

  /** Resolves with the `count`-th line with this event (rejects after `timeoutMs`). */
  wait(event: string, count: number, timeoutMs = 120_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${event} #${count}`));
      }, timeoutMs);
      const check = () => {
        const hits = this.lines.filter((l) => l.event === event);
        if (hits.length >= count) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(hits[count - 1]);
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  count(event: string): number {
    return this.lines.filter((l) => l.event === event).length;
  }
}

function signedGet(url: string, client: ClientCreds, path: string): autocannon.Request {
  const oa = oauthClient(url, client);
  // A fresh nonce and signature per request: the server refuses replays.
  return { method: "GET", path, setupRequest: (req) => ({ ...req, headers: { ...req.headers, Authorization: oa.authHeader(url + path, "", "", "GET") } }) };
}

export async function runRollingRestartBench(options: RollingRestartBenchOptions = {}): Promise<string> {
  const restarts = options.restarts ?? 20;
  const steadySeconds = options.steadySeconds ?? 15;
  const connections = options.connections ?? 10;
  const dir = mkdtempSync(join(tmpdir(), "pump-bench-restart-"));
  const port = await freePort();
  const configFile = join(dir, "pump.io.json");
  writeFileSync(
    configFile,
    JSON.stringify({ secret: "bench secret bench secret bench", hostname: "127.0.0.1", port, driver: "sqlite", datadir: join(dir, "data"), controlSocket: join(dir, "pump.socket") }),
  );
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "bin", "pump"), "-c", configFile], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const log = new ClusterLog(child);
  try {
    const running = await log.wait("running", 1);
    const workers = (running.workerPids as number[]).length;
    const url = `http://127.0.0.1:${port}`;
    const client = await registerClient(url, { application_name: "restart bench" });
    await registerUser(url, client, "bencher", "bench*mark*2024");
    const request = signedGet(url, client, "/api/user/bencher");
    const base = { url, connections, requests: [request], timeout: 10 };
    // Latency is measured by a probe that honours `Connection: close` (Node's
    // http agent, keep-alive): autocannon does not (it writes its next request
    // at once and, when the draining worker closes, leaves that request in its
    // queue), so its own latency figures grow with every worker that drains.
    const probe = () =>
      startLoad({ port, concurrency: 2, next: () => ({ path: "/api/user/bencher", headers: { Authorization: signedGetHeaderFor(url, client, "/api/user/bencher") } }) });

    const pausingClients = () =>
      startKeepAliveClients({
        port,
        path: "/api/user/bencher",
        headers: () => ({ Authorization: signedGetHeaderFor(url, client, "/api/user/bencher") }),
        loops: 4,
        maxThinkMs: 1000,
      });

    const loadAverage = [loadavg()[0]];
    const steadyStart = Date.now();
    const steadyProbe = probe();
    const steadyPausing = pausingClients();
    const steady = await autocannon({ ...base, duration: steadySeconds });
    const phases: Phase[] = [{ name: "steady state", seconds: (Date.now() - steadyStart) / 1000, result: steady, probe: await steadyProbe.stop() }];
    await steadyPausing.stop();

    const restartTimes: number[] = [];
    let split: Split | undefined;
    const loadStart = Date.now();
    const duringProbe = probe();
    const pausing = pausingClients();
    // Without a callback the instance is also a promise of the result (the typings show only the promise).
    const instance = autocannon({ ...base, duration: 24 * 3600 }) as unknown as PromiseLike<autocannon.Result> & { stop(): void };
    const windows: Array<[number, number]> = [];
    const gap = () => new Promise((r) => setTimeout(r, (options.gapSeconds ?? 0) * 1000));
    for (let i = 1; i <= restarts; i++) {
      await gap();
      const signalled = Date.now();
      child.kill("SIGUSR2");
      const start = await log.wait("restart-start", i);
      const done = await log.wait("restart-complete", i);
      restartTimes.push(Date.parse(done.time as string) - Date.parse(start.time as string));
      windows.push([signalled, Date.parse(done.time as string)]);
    }
    await gap();
    instance.stop();
    const during = await instance;
    const duringOutcomes = await duringProbe.stop();
    const name = options.gapSeconds ? `${restarts} rolling restarts, ${options.gapSeconds} s apart` : `during ${restarts} rolling restarts`;
    phases.push({ name, seconds: (Date.now() - loadStart) / 1000, result: during, probe: duringOutcomes });
    if (options.gapSeconds) {
      const overlaps = (o: Outcome) => windows.some(([from, to]) => o.at - o.ms <= to && o.at >= from);
      split = { inside: duringOutcomes.filter(overlaps), between: duringOutcomes.filter((o) => !overlaps(o)) };
    }
    const pausingOutcomes = await pausing.stop();
    loadAverage.push(loadavg()[0]);
    if (log.count("worker-died") > 0 || log.count("restart-failed") > 0) throw new Error("a worker died or a restart failed during the benchmark");
    return report(phases, { workers, connections, restarts, restartTimes, pausing: pausingOutcomes, loadAverage, split });
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(
  phases: Phase[],
  o: { workers: number; connections: number; restarts: number; restartTimes: number[]; pausing: KeepAliveOutcome[]; loadAverage: number[]; split?: Split },
): string {
  const cpu = cpus();
  const mean = o.restartTimes.reduce((a, b) => a + b, 0) / Math.max(1, o.restartTimes.length);
  const failed = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
  const lines = [
    "## Rolling restart under load (bench/rolling-restart.ts)",
    "",
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? "unknown"}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}. bin/pump master with ${o.workers} workers (SQLite), ` +
      `autocannon in the parent process on the same machine, ${o.connections} keep-alive connections, plus a latency probe ` +
      "(2 keep-alive connections through Node's http agent, which honours `Connection: close`; autocannon does not, so " +
      "its own latency figures are skewed once a worker drains and are not shown). Every request is an " +
      "OAuth-signed (2-legged, fresh nonce) `GET /api/user/:nickname`. " +
      (o.split
        ? 'The restarts are spaced: SIGUSR2, wait for "zero-downtime restart complete", the gap under the same load, again.'
        : 'The restarts are back to back: SIGUSR2, wait for "zero-downtime restart complete", again.'),
    "",
    "| Phase | seconds | requests (autocannon) | failed: errors + timeouts + non-2xx | req/s (mean) | probe requests | probe failed | probe p50 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...phases.map(({ name, seconds, result: r, probe }) => {
      const ms = probe.filter((o) => o.error === null).map((o) => o.ms).sort((a, b) => a - b);
      const probeFailed = probe.filter((o) => o.error !== null || o.status !== 200).length;
      return (
        `| ${name} | ${seconds.toFixed(0)} | ${r.requests.total} | ${failed(r)} = ${r.errors} + ${r.timeouts} + ${r.non2xx} | ` +
        `${r.requests.average.toFixed(0)} | ${probe.length} | ${probeFailed} | ${percentile(ms, 50)} | ${percentile(ms, 99)} | ${ms.at(-1) ?? 0} |`
      );
    }),
    "",
    `p99 during the restarts / steady state: ${(p99(phases[1]) / Math.max(1, p99(phases[0]))).toFixed(2)}×. ` +
      `Load average (1 min) at the start and the end: ${o.loadAverage.map((l) => l.toFixed(1)).join(", ")}.`,
    ...(o.split
      ? [
          "",
          "The same run's probe requests split by time (same background load in both rows):",
          "",
          "| Probe requests | requests | failed | p50 ms | p99 ms | max ms |",
          "|---|---:|---:|---:|---:|---:|",
          `| between restarts | ${probeCells(o.split.between)} |`,
          `| overlapping a restart | ${probeCells(o.split.inside)} |`,
          "",
          `p99 overlapping a restart / between restarts: ${(probeP99(o.split.inside) / Math.max(1, probeP99(o.split.between))).toFixed(2)}×.`,
        ]
      : []),
    "",
    `Restarts: ${o.restartTimes.length}, each replacing all ${o.workers} workers one by one; time per restart (start to ` +
      `complete) mean ${(mean / 1000).toFixed(1)} s, min ${(Math.min(...o.restartTimes) / 1000).toFixed(1)} s, ` +
      `max ${(Math.max(...o.restartTimes) / 1000).toFixed(1)} s. Each replacement is forked, warms up and ` +
      "listens before its old worker drains (never a worker short), but it loads the code while the others serve: " +
      "on a machine with few cores that shows in the latency.",
    "",
    "Pausing keep-alive clients during the restarts (they ran in the steady state too; 4 loops each of Node's http agent and undici, a pause of 0–1,000 ms " +
      "before each request on the kept-alive connections, OAuth-signed `GET /api/user/:nickname`):",
    "",
    "| Client | requests | failed | after a pause ≥ 250 ms | on a reused connection (Node agent) | answered `Connection: close` (draining worker) |",
    "|---|---:|---:|---:|---:|---:|",
    ...(["node", "undici"] as const).map((kind) => {
      const mine = o.pausing.filter((p) => p.kind === kind);
      const failed = mine.filter((p) => p.error !== null || p.status !== 200).length;
      const reused = kind === "node" ? String(mine.filter((p) => p.reused === true).length) : "n/a";
      const label = kind === "node" ? "Node http.Agent (keepAlive)" : "undici Agent";
      return `| ${label} | ${mine.length} | ${failed} | ${mine.filter((p) => p.thinkMs >= 250).length} | ${reused} | ${mine.filter((p) => p.connection === "close").length} |`;
    }),
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const restarts = Number(process.argv[2] ?? 20);
  const steady = Number(process.argv[3] ?? 15);
  const gapSeconds = Number(process.argv[4] ?? 0);
  runRollingRestartBench({
    restarts: Number.isInteger(restarts) && restarts > 0 ? restarts : 20,
    steadySeconds: Number.isFinite(steady) && steady > 0 ? steady : 15,
    gapSeconds: Number.isFinite(gapSeconds) && gapSeconds > 0 ? gapSeconds : 0,
  }).then(
    (md) => console.log(md),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
