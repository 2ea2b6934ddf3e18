import { randomUUID } from "node:crypto";
import { AlreadyExistsError, type Bank } from "../databank";
import type { Logger } from "../log";
import { LeaseClaimer, type Claim, type Claimer } from "./claims";
import type { Job } from "./job";
import { PgClaimer, pgQueryOf } from "./pg-claim";
import { DEFAULT_RETRY, isPermanentFailure, retryDelay, type RetryPolicy } from "./retry";
import { JOB_TYPE } from "./schema";

export type { Job };

/** Runs one job. It must be idempotent: a job may run again after a crash. */
export type JobHandler = (payload: unknown, job: Job) => Promise<void>;

export interface JobQueueOptions {
  /** How long a claim holds before another worker may take the job over (ms). */
  leaseMs?: number;
  /** How often each worker looks for due jobs (ms). */
  pollMs?: number;
  retry?: RetryPolicy;
  /** Jobs one process runs at once from its polls (a direct `runNow` is not counted). */
  concurrency?: number;
  /** The clock (ms), for tests. */
  now?: () => number;
}

/**
 * The durable job queue over the bank, shared by every worker of every
 * machine on the same bank. `add` stores a job (idempotent on its id);
 * a worker runs it right away if it can claim it, and every worker polls
 * for due jobs, so a job added by a process that then died still runs.
 * A claim is a lease that expires: a crashed worker's job is taken over,
 * and no job runs twice at the same time. On PostgreSQL, jobs are claimed
 * with `FOR UPDATE SKIP LOCKED` (pg-claim.ts); on other drivers, with lease
 * records made by the bank's atomic create (lease.ts). Failures are retried
 * with exponential backoff and jitter up to the policy's attempts, then
 * parked with a log line (`parked()` lists them).
 */
export class JobQueue {
  readonly holder = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  private readonly claimer: Claimer;

  constructor(
    private readonly bank: Bank,
    private readonly log: Logger,
    opts: JobQueueOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 2_000;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency ?? 16;
    const pg = pgQueryOf(bank);
    this.claimer = pg ? new PgClaimer(bank, pg, this.holder, this.leaseMs, this.now) : new LeaseClaimer(bank, this.holder, this.leaseMs, this.now);
  }

  /** Registers the handler of a kind of job (before `start`). */
  handle(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Stores a job; the same id twice stores it once (the first payload
   * stays). Returns the job as stored. `bank` may be a transaction
   * (databank/transaction.ts): the job is then stored with its writes.
   */
  async add(kind: string, id: string, payload: unknown, bank: Bank = this.bank): Promise<Job> {
    const job: Job = { id, kind, payload, state: "ready", due: this.now(), attempts: 0, nextClaim: 0, enqueued: this.now() };
    try {
      await bank.create(JOB_TYPE, id, job);
      return job;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      return (await bank.find<Job>(JOB_TYPE, id)) ?? job;
    }
  }

  /**
   * Claims and runs a job now if it is due and free; resolves when this
   * process's run of it ends (at once when another process holds it).
   */
  runNow(id: string): Promise<void> {
    const current = this.running.get(id);
    if (current) return current;
    if (this.closed) return Promise.resolve();
    return this.track(id, this.claimAndRun(id));
  }

  /** Keeps a run in `running` until it ends; its errors are logged (the job stays queued). */
  private track(id: string, work: Promise<void>): Promise<void> {
    const run = work
      .catch((err: unknown) => this.log.error({ err, job: id }, "job queue error (the job stays queued)"))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /** Starts polling for due jobs (every worker does). */
  start(): void {
    if (this.timer || this.closed) return;
    const tick = (): void => {
      this.polling ??= this.poll()
        .then(() => undefined)
        .catch((err: unknown) => this.log.warn({ err }, "job queue poll failed"))
        .finally(() => (this.polling = null));
    };
    this.timer = setInterval(tick, this.pollMs);
    this.timer.unref();
    tick();
  }

  /**
   * Looks for due, ready jobs and starts those it can claim, up to the
   * concurrency limit; returns how many it started (`drain` waits for them).
   */
  async poll(): Promise<number> {
    if (this.closed) return 0;
    const now = this.now();
    const room = Math.max(0, this.concurrency - this.running.size);
    // Only kinds this queue handles: other queues on the bank (mail, delivery) take theirs.
    const kinds = [...this.handlers.keys()];
    const batch = await this.claimer.claimDue(room, new Set(this.running.keys()), now, kinds);
    if (batch) {
      for (const c of batch) void this.track(c.job.id, this.runClaimed(c));
      return batch.length;
    }
    const ready = await this.bank.search<Job>(JOB_TYPE, { state: "ready" });
    const due = ready.filter((j) => j.due <= now && !this.running.has(j.id) && this.handlers.has(j.kind)).sort((a, b) => a.due - b.due);
    const started = due.slice(0, room);
    for (const j of started) void this.runNow(j.id);
    return started.length;
  }

  /** Resolves when every run this process started has ended. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Stops polling and taking jobs, and waits for the runs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await this.drain();
  }

  /** Jobs that gave up, for the admin. */
  parked(): Promise<Job[]> {
    return this.bank.search<Job>(JOB_TYPE, { state: "parked" });
  }

  /** Jobs waiting (ready, due or not), of every kind or of one. */
  async depth(kind?: string): Promise<number> {
    const ready = await this.bank.search<Job>(JOB_TYPE, { state: "ready" });
    return kind === undefined ? ready.length : ready.filter((j) => j.kind === kind).length;
  }

  /** Puts a parked job back in the queue, due now, with its attempts reset. */
  async retryParked(id: string): Promise<boolean> {
    const job = await this.bank.find<Job>(JOB_TYPE, id);
    if (!job || job.state !== "parked") return false;
    await this.bank.save(JOB_TYPE, id, { ...job, state: "ready", due: this.now(), attempts: 0, parkedAt: undefined, lease: null });
    return true;
  }

  /** Puts every parked job back in the queue; returns how many. */
  async retryAllParked(): Promise<number> {
    let n = 0;
    for (const job of await this.parked()) if (await this.retryParked(job.id)) n++;
    return n;
  }

  private async claimAndRun(id: string): Promise<void> {
    const job = await this.bank.find<Job>(JOB_TYPE, id);
    if (!job || job.state !== "ready" || job.due > this.now()) return;
    if (!this.handlers.has(job.kind)) {
      this.log.warn({ job: id, kind: job.kind }, "no handler for this kind of job; left in the queue");
      return;
    }
    const claimed = await this.claimer.claimOne(id, this.now());
    if (claimed) await this.runClaimed(claimed);
  }

  private async runClaimed(claim: Claim): Promise<void> {
    const { job } = claim;
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      // Another kind of worker's job (claimed by a batch): give it back at once.
      this.log.warn({ job: job.id, kind: job.kind }, "no handler for this kind of job; left in the queue");
      await claim.reschedule(job);
      return;
    }
    // Renew at a third of the lease, so a long job is never taken over while it runs.
    const renewal = setInterval(() => {
      claim.renew().catch((err: unknown) => this.log.warn({ err, job: job.id }, "lease renewal failed"));
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    let failure: unknown = null;
    try {
      await handler(job.payload, job);
    } catch (err) {
      failure = err;
    } finally {
      clearInterval(renewal);
    }
    if (failure === null) await claim.finish();
    else await this.reschedule(claim, failure);
  }

  private async reschedule(claim: Claim, failure: unknown): Promise<void> {
    const { job } = claim;
    const attempts = job.attempts + 1;
    const lastError = failure instanceof Error ? failure.message : String(failure);
    const permanent = isPermanentFailure(failure);
    const parked = permanent || attempts >= this.retry.maxAttempts;
    const due = parked ? job.due : this.now() + retryDelay(this.retry, attempts);
    const next: Job = { ...job, attempts, lastError, state: parked ? "parked" : "ready", due, ...(parked ? { parkedAt: this.now() } : {}) };
    await claim.reschedule(next);
    if (parked) {
      const why = permanent ? "job parked: retrying cannot mend this failure" : "job parked after its last attempt";
      this.log.error({ job: job.id, kind: job.kind, attempts, lastError }, `${why}; see the parked jobs (pumpctl jobs)`);
    } else {
      this.log.warn({ job: job.id, kind: job.kind, attempts, retryInMs: due - this.now(), lastError }, "job failed; will retry");
    }
  }
}
