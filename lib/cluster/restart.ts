import type { Logger } from "../log";
import type { ForkReason, WorkerRecord } from "./records";

/** NACK reasons of the control socket (as in the original pump.io, plus "not running"). */
export type RefusalReason = "no workers" | "bad driver" | "aborted restart" | "restart in flight" | "incompatibility" | "not running";

export type RestartOutcome = { ok: true } | { ok: false; reason: RefusalReason };

/** What the rolling restart needs from the master. */
export interface RestartHost {
  readonly workers: number;
  readonly driverShared: boolean;
  readonly driver: string;
  readonly log: Logger;
  /** True once all initial workers listen and until the master stops. */
  running(): boolean;
  /** Workers currently serving (state `listening`). */
  listening(): WorkerRecord[];
  /** Is this record still a live worker of the master? */
  alive(rec: WorkerRecord): boolean;
  /** Sends gracefulShutdown and arms the kill timer. */
  drain(rec: WorkerRecord): void;
  fork(reason: ForkReason): WorkerRecord;
  /** A restart failed: cancel any pending respawn. */
  lockedOut(): void;
}

/**
 * Zero-downtime (rolling) restart: queue the serving workers; for each in
 * turn fork its replacement from the code now on disk, and once that
 * reports `listening` (warmed up: lib/cluster/warm-up.ts) ask the old
 * worker to shut down gracefully, going on when it has exited. The
 * original pump.io drained first and forked after: the site then ran one
 * worker short for the whole start of the new one (loading the code,
 * opening the bank), and the other workers' queues grew (p99 under load
 * 2.45x the steady state's with two workers). Forking first keeps every
 * worker serving, for the price of one extra process for a few seconds;
 * a replacement that cannot start leaves the old worker serving.
 *
 * State: idle -> inFlight (replacement starting | old draining)* -> idle;
 * a replacement that fails before listening -> locked (final until the
 * master restarts: no more restarts, no more respawns).
 */
export class RollingRestart {
  private inFlight = false;
  private locked = false;
  private queue: WorkerRecord[] = [];
  private old: WorkerRecord | null = null;
  private replacement: WorkerRecord | null = null;
  private total = 0;
  private replaced: Array<{ old: number; pid: number }> = [];
  /** The pid of the old worker the current replacement stands in for. */
  private replacedPid = 0;

  constructor(
    private readonly host: RestartHost,
    private readonly startEpoch: number,
    private readonly readEpoch: () => number,
  ) {}

  /** An earlier restart failed: restarts and respawns are off until the master restarts. */
  get isLocked(): boolean {
    return this.locked;
  }

  get isInFlight(): boolean {
    return this.inFlight;
  }

  /** Checks the guards (first failing one wins) and, if all pass, starts the restart. */
  request(trigger: "SIGUSR2" | "control socket"): RestartOutcome {
    const { log } = this.host;
    log.info({ trigger, event: "restart-requested" }, "zero-downtime restart requested; determining eligibility");
    const refuse = (reason: RefusalReason, msg: string, level: "warn" | "error" = "warn"): RestartOutcome => {
      log[level]({ trigger, reason, event: "restart-refused" }, msg);
      return { ok: false, reason };
    };
    if (this.host.workers <= 1) {
      return refuse("no workers", "restart refused: only one worker, so replacing it would mean downtime; restart the master instead");
    }
    if (!this.host.driverShared) {
      return refuse("bad driver", `restart refused: the "${this.host.driver}" driver is not shared between processes (each worker has its own data); use sqlite, postgresql or mongodb`);
    }
    if (this.locked) {
      return refuse("aborted restart", "restart refused: an earlier zero-downtime restart failed; restart the master process as soon as possible", "error");
    }
    if (this.inFlight) {
      return refuse("restart in flight", "restart ignored: a zero-downtime restart is already in flight");
    }
    if (!this.host.running()) {
      return refuse("not running", "restart refused: the master is still starting or is stopping");
    }
    let epoch: number | null;
    try {
      epoch = this.readEpoch();
    } catch (err) {
      log.error({ err }, "cannot read the restart epoch of the code on disk");
      epoch = null;
    }
    if (epoch !== this.startEpoch) {
      log.warn({ startEpoch: this.startEpoch, diskEpoch: epoch }, "restart epoch of the code on disk differs from the running master's");
      return refuse("incompatibility", "restart refused: the new code says it is incompatible with the running master (restart epoch changed); restart the master instead");
    }
    this.start(trigger);
    return { ok: true };
  }

  private start(trigger: string): void {
    this.inFlight = true;
    this.queue = this.host.listening();
    this.total = this.queue.length;
    this.replaced = [];
    this.host.log.info({ trigger, workerPids: this.queue.map((r) => r.pid), event: "restart-start" }, "starting zero-downtime restart");
    this.next();
  }

  private next(): void {
    if (!this.inFlight || this.old || this.replacement) return;
    this.queue = this.queue.filter((r) => this.host.alive(r) && r.state === "listening");
    const rec = this.queue[0];
    if (!rec) {
      this.inFlight = false;
      this.host.log.info({ replaced: this.replaced, event: "restart-complete" }, "zero-downtime restart complete");
      return;
    }
    // Never take the last serving worker away (one may be respawning after a crash).
    if (!this.host.listening().some((r) => r !== rec)) {
      this.host.log.info({ worker: rec.pid }, "restart waiting: no other worker is serving yet");
      return;
    }
    this.queue.shift();
    this.old = rec;
    this.replacedPid = rec.pid;
    const step = this.total - this.queue.length;
    this.host.log.info({ worker: rec.pid, step, of: this.total, event: "restart-step" }, "restart step: forking a replacement from the code on disk; the worker serves until it listens");
    this.replacement = this.host.fork("restart");
  }

  /** A worker reported `listening`. */
  onListening(rec: WorkerRecord): void {
    if (rec === this.replacement) {
      this.replacement = null;
      const old = this.replacedPid;
      this.replaced.push({ old, pid: rec.pid });
      this.host.log.info({ worker: rec.pid, old, event: "restart-step-complete" }, "restart step complete: replacement is listening; asking the old worker to shut down gracefully");
      // The next step starts when the old worker has exited (onExit).
      if (this.old && this.host.alive(this.old)) return this.host.drain(this.old);
      this.old = null;
    }
    this.next();
  }

  /** A worker said it could not start. */
  onStartupFailure(rec: WorkerRecord, error: string): void {
    if (rec === this.replacement) this.fail(rec, error);
  }

  /** A worker exited; returns true when the restart has dealt with it (the master must not respawn it). */
  onExit(rec: WorkerRecord, code: number | null, signal: string | null): boolean {
    if (rec === this.old) {
      this.old = null;
      if (!this.inFlight) return false;
      this.host.log.info({ worker: rec.pid, code, signal, event: "restart-step-exit" }, "restart step: old worker exited");
      // Exited before its replacement listened (a crash): the replacement stands in for it.
      if (!this.replacement) this.next();
      return true;
    }
    if (rec === this.replacement) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.fail(rec, rec.startupError ?? `the new worker ${how} directly after it was spawned`);
      return true;
    }
    return false;
  }

  /** The master is stopping: drop the restart without locking anything. */
  cancel(): void {
    if (this.inFlight) this.host.log.info({ event: "restart-cancelled" }, "zero-downtime restart cancelled: the master is stopping");
    this.inFlight = false;
    this.queue = [];
    this.old = null;
    this.replacement = null;
  }

  private fail(rec: WorkerRecord, error: string): void {
    this.locked = true;
    this.inFlight = false;
    this.queue = [];
    this.replacement = null;
    // The old worker was never asked to stop: it keeps serving, an ordinary worker again.
    this.old = null;
    this.host.log.error(
      { worker: rec.pid, error, event: "restart-failed" },
      "zero-downtime restart failed: the new worker did not start; restarts and respawns are disabled until the master is restarted",
    );
    this.host.lockedOut();
  }
}
