import cluster from "node:cluster";
import type { PumpConfig } from "../config";
import { LOG_LEVELS } from "../config";
import { UNSHARED_DRIVERS } from "../databank";
import type { Logger } from "../log";
import { DEFAULT_BACKOFF, RespawnBackoff, type BackoffOptions } from "./backoff";
import { ControlSocketError, openControlSocket, type ControlSocket } from "./control";
import { readRestartEpoch } from "./epoch-reader";
import { jobsCommand } from "./jobs-control";
import { asWorkerMessage, type MasterMessage } from "./messages";
import { relayRealtime } from "./realtime-relay";
import { MasterMetrics } from "./master-metrics";
import type { ForkReason, WorkerRecord } from "./records";
import { RollingRestart, type RestartOutcome } from "./restart";
import { workerExecArgv } from "./worker-heap";

export interface MasterOptions {
  config: Readonly<PumpConfig>;
  /** The root logger; the master logs through a child with component "cluster". */
  log: Logger;
  /** The master's own version, reported by VERSION (read once at start). */
  version: string;
  backoff?: BackoffOptions;
}

/** How the master ended: exit code, and the startup failure to print when there was one. */
export interface MasterResult {
  code: number;
  startupError: string | null;
}

/**
 * The cluster master. It never serves HTTP: it forks `config.workers`
 * workers, respawns crashed workers with a backoff, runs zero-downtime
 * restarts (SIGUSR2 or RESTART on the control socket), and stops everything
 * in order on SIGTERM/SIGINT.
 *
 * Listening sockets: the master binds them (Node cluster) and shares them
 * with the workers, which accept from the one kernel queue (SCHED_NONE).
 * The ports stay open while workers come and go, and a connection waiting
 * in the queue is taken by whichever worker is still accepting, so neither
 * a draining worker nor one killed with SIGKILL loses a queued connection.
 * (Node's round-robin mode hands each connection to a chosen worker; one
 * handed to a worker that dies at that moment is held by the master and
 * hangs forever, which the SIGKILL test showed.) The price is a less even
 * spread of new connections between workers.
 *
 * Phases: starting (until every initial worker listens; a worker failing
 * to start now stops everything with its message) -> running -> stopping.
 */
export class Master {
  private readonly config: Readonly<PumpConfig>;
  private readonly root: Logger;
  private readonly log: Logger;
  private readonly records = new Map<number, WorkerRecord>();
  private readonly pendingRespawns = new Set<NodeJS.Timeout>();
  private readonly backoff: RespawnBackoff;
  private readonly restart: RollingRestart;
  private readonly metrics: MasterMetrics;
  private phase: "starting" | "running" | "stopping" = "starting";
  private control: ControlSocket | null = null;
  private result: MasterResult = { code: 0, startupError: null };
  private readonly initialLevel: string;
  private finished!: (result: MasterResult) => void;
  /** Resolves when the master has stopped (all workers gone, control socket removed). */
  readonly done: Promise<MasterResult>;

  constructor(private readonly opts: MasterOptions) {
    this.config = opts.config;
    this.root = opts.log;
    this.log = opts.log.child({ component: "cluster" });
    this.initialLevel = opts.log.level;
    this.backoff = new RespawnBackoff(opts.backoff ?? DEFAULT_BACKOFF);
    this.done = new Promise((resolve) => (this.finished = resolve));
    const startEpoch = readRestartEpoch();
    this.restart = new RollingRestart(
      {
        workers: this.config.workers,
        driver: this.config.driver,
        driverShared: !UNSHARED_DRIVERS.has(this.config.driver),
        log: this.log,
        running: () => this.phase === "running",
        listening: () => [...this.records.values()].filter((r) => r.state === "listening"),
        alive: (rec) => this.records.get(rec.worker.id) === rec,
        drain: (rec) => this.drain(rec),
        fork: (reason) => this.fork(reason),
        lockedOut: () => this.cancelRespawns(),
      },
      startEpoch,
      () => readRestartEpoch(),
    );
    this.metrics = new MasterMetrics(
      this.config,
      this.log,
      () => [...this.records.values()].filter((r) => r.state === "listening"),
      (rec, message) => this.send(rec, message),
    );
    this.log.info({ workers: this.config.workers, driver: this.config.driver, version: opts.version, epoch: startEpoch }, "master starting");
  }

  /** Opens the control socket, installs signal handlers and forks the workers. */
  async start(): Promise<void> {
    // Before the first fork; see the class comment.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv) });
    try {
      this.control = await openControlSocket(this.config.controlSocket, {
        version: () => this.opts.version,
        setLogLevel: (level) => this.setLogLevel(level),
        restart: () => this.requestRestart("control socket"),
        jobs: jobsCommand(this.config, this.log),
      }, this.log);
    } catch (err) {
      // Serving matters more than the control socket; SIGUSR2 still restarts.
      const why = err instanceof ControlSocketError ? err.message : (err as Error).message;
      this.log.error({ path: this.config.controlSocket, error: why }, "control socket disabled; set controlSocket to another path");
    }
    await this.metrics.start();
    process.on("SIGUSR2", () => {
      this.log.info("received SIGUSR2");
      this.requestRestart("SIGUSR2");
    });
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => this.onStopSignal(signal));
    // Ignored: a terminal hang-up must not kill a server.
    process.on("SIGHUP", () => this.log.info("SIGHUP ignored"));
    for (let i = 0; i < this.config.workers; i++) this.fork("initial");
  }

  requestRestart(trigger: "SIGUSR2" | "control socket"): RestartOutcome {
    return this.restart.request(trigger);
  }

  private setLogLevel(level: string): boolean {
    // "restore" = the level we started with (the configured one, or silent with nologger).
    const target = level === "restore" ? this.initialLevel : level;
    if (!LOG_LEVELS.includes(target) && target !== this.initialLevel) return false;
    this.root.level = target;
    this.log.level = target;
    for (const rec of this.records.values()) this.send(rec, { cmd: "logLevel", level: target });
    return true;
  }

  private fork(reason: ForkReason): WorkerRecord {
    const worker = cluster.fork();
    const rec: WorkerRecord = { worker, pid: worker.process.pid ?? 0, reason, state: "starting", startupError: null, killTimer: null };
    this.records.set(worker.id, rec);
    worker.on("message", (message: unknown) => this.onMessage(rec, message));
    worker.on("error", (err: Error) => this.log.warn({ worker: rec.pid, err }, "IPC error with worker"));
    worker.once("exit", (code: number | null, signal: string | null) => {
      // Act on the exit only once every message it sent has been read.
      if (worker.isConnected()) worker.once("disconnect", () => this.onExit(rec, code, signal));
      else this.onExit(rec, code, signal);
    });
    this.log.info({ worker: rec.pid, reason, event: "fork" }, "forked worker");
    return rec;
  }

  private send(rec: WorkerRecord, message: MasterMessage): boolean {
    if (!rec.worker.isConnected()) return false;
    try {
      // false from send() means "queued behind others", not "lost".
      rec.worker.send(message);
      return true;
    } catch (err) {
      this.log.warn({ worker: rec.pid, err }, "could not send to worker");
      return false;
    }
  }

  private onMessage(rec: WorkerRecord, raw: unknown): void {
    // Realtime updates go on to the other workers (lib/cluster/realtime-relay.ts).
    if (relayRealtime(rec.worker, raw, [...this.records.values()].map((r) => r.worker))) return;
    const message = asWorkerMessage(raw);
    if (!message) {
      this.log.warn({ worker: rec.pid, message: raw }, "unknown message from worker ignored");
      return;
    }
    if (message.msg === "listening") {
      if (rec.state === "starting") rec.state = "listening";
      this.log.info({ worker: rec.pid, reason: rec.reason, event: "worker-listening" }, "worker listening");
      // A worker forked after a LOGLEVEL change gets the current level too.
      if (this.root.level !== this.initialLevel) this.send(rec, { cmd: "logLevel", level: this.root.level });
      if (this.phase === "starting" && this.countListening() >= this.config.workers) {
        this.phase = "running";
        this.log.info({ workerPids: [...this.records.values()].map((r) => r.pid), event: "running" }, "all workers listening");
      }
      this.restart.onListening(rec);
      return;
    }
    if (this.metrics.handle(rec, message)) return;
    if (message.msg !== "abortRestart" && message.msg !== "startupFailed") return;
    rec.startupError = message.error;
    this.log.error({ worker: rec.pid, error: message.error, event: "worker-startup-failed" }, "worker could not start");
    if (this.phase === "starting") this.stop(1, message.error);
    else this.restart.onStartupFailure(rec, message.error);
  }

  private onExit(rec: WorkerRecord, code: number | null, signal: string | null): void {
    if (this.records.get(rec.worker.id) !== rec) return;
    this.records.delete(rec.worker.id);
    if (rec.killTimer) clearTimeout(rec.killTimer);
    const fields = { worker: rec.pid, code, signal };
    if (this.phase === "stopping") {
      this.log.info({ ...fields, event: "worker-exit" }, "worker exited");
      if (this.records.size === 0) void this.finish();
      return;
    }
    if (this.phase === "starting" && rec.state === "starting") {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.log.error({ ...fields, event: "worker-died" }, "worker died during startup");
      this.stop(1, rec.startupError ?? `a worker ${how} during startup (see its log above)`);
      return;
    }
    if (this.restart.onExit(rec, code, signal)) return;
    if (this.restart.isLocked) {
      this.log.error({ ...fields, event: "respawn-refused" }, "worker died; not respawning because an earlier zero-downtime restart failed; restart the master");
      return;
    }
    const { delayMs, streak } = this.backoff.crashed(Date.now());
    this.log.error({ ...fields, delayMs, streak, event: "worker-died" }, "worker died; respawning");
    const timer = setTimeout(() => {
      this.pendingRespawns.delete(timer);
      if (this.phase === "stopping" || this.restart.isLocked) return;
      this.log.info({ replaces: rec.pid, event: "respawn" }, "respawning worker");
      this.fork("respawn");
    }, delayMs);
    this.pendingRespawns.add(timer);
  }

  private countListening(): number {
    return [...this.records.values()].filter((r) => r.state === "listening").length;
  }

  private cancelRespawns(): void {
    for (const timer of this.pendingRespawns) clearTimeout(timer);
    this.pendingRespawns.clear();
  }

  /** Asks a worker to shut down gracefully; kills it if it has not exited in time. */
  private drain(rec: WorkerRecord): void {
    if (rec.state === "draining") return;
    rec.state = "draining";
    this.send(rec, { cmd: "gracefulShutdown" });
    const timeoutMs = this.config.workerShutdownTimeout;
    rec.killTimer = setTimeout(() => {
      this.log.warn({ worker: rec.pid, timeoutMs, event: "worker-killed" }, "worker did not exit in time after the shutdown request; killing it");
      rec.worker.process.kill("SIGKILL");
    }, timeoutMs);
  }

  private onStopSignal(signal: NodeJS.Signals): void {
    if (this.phase === "stopping") {
      this.log.warn({ signal }, "second signal: killing the workers now");
      for (const rec of this.records.values()) rec.worker.process.kill("SIGKILL");
      process.exit(1);
    }
    this.log.info({ signal, event: "stopping" }, "stopping: shutting the workers down gracefully");
    this.stop(0, null);
  }

  /** Stops every worker gracefully (the first startup failure wins the exit code and message). */
  private stop(code: number, startupError: string | null): void {
    if (this.phase === "stopping") return;
    this.phase = "stopping";
    this.result = { code, startupError };
    this.cancelRespawns();
    this.restart.cancel();
    for (const rec of this.records.values()) this.drain(rec);
    if (this.records.size === 0) void this.finish();
  }

  private async finish(): Promise<void> {
    await this.control?.close().catch(() => undefined);
    this.control = null;
    await this.metrics.close().catch(() => undefined);
    this.log.info({ code: this.result.code, event: "stopped" }, "master stopped");
    this.finished(this.result);
  }
}
