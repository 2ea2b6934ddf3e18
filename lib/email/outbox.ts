import { randomUUID } from "node:crypto";
import { NoSuchThingError, type Bank } from "../databank";
import type { Logger } from "../log";
import type { MailMessage, Mailer } from "./mailer";

/** Databank type of mail waiting to be sent. */
export const MAIL_JOB_TYPE = "mailjob";

/** Delays before the second and third attempts; after the last, the message is dropped (logged). */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 10 * 60_000];

/** How long a job being sent belongs to the worker sending it (others leave it alone at startup). */
const LEASE_MS = 5 * 60_000;

interface MailJob {
  id: string;
  message: MailMessage;
  attempts: number;
  /** Epoch ms until which a worker is (or will be) sending it. */
  leaseUntil: number;
}

/**
 * Mail that must not hold up the request that caused it. `send` records
 * the message in the bank and returns; the SMTP exchange happens after,
 * with retries. A message cut short by a crash or restart is sent by the
 * next worker to start (`recover`). A dead SMTP server costs log lines,
 * never an error for the caller.
 */
export class MailOutbox {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly bank: Bank,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** Told of each failed attempt (metrics). */
    private readonly onFailure: () => void = () => undefined,
  ) {}

  /** Messages recorded and not yet sent (site-wide), for metrics. */
  async pending(): Promise<number> {
    let n = 0;
    await this.bank.scan<MailJob>(MAIL_JOB_TYPE, () => void n++);
    return n;
  }

  /** Records the message and starts sending it; resolves once it is recorded (never on SMTP). */
  async send(message: MailMessage): Promise<void> {
    const job: MailJob = { id: randomUUID(), message, attempts: 0, leaseUntil: this.now() + LEASE_MS };
    try {
      await this.bank.save(MAIL_JOB_TYPE, job.id, job);
    } catch (err) {
      // Not recorded: still try once, so a storage hiccup does not lose it silently.
      this.log.error({ err, subject: message.subject }, "could not record mail; sending without retry");
    }
    if (!this.closed) this.attempt(job);
  }

  /** Resolves when nothing is being sent right now (retries scheduled for later don't count). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends the jobs a previous worker left unsent (call once at startup); returns how many. */
  async recover(): Promise<number> {
    const now = this.now();
    const jobs: MailJob[] = [];
    await this.bank.scan<MailJob>(MAIL_JOB_TYPE, (j) => {
      if (j && typeof j.id === "string" && !(j.leaseUntil > now)) jobs.push(j);
    });
    for (const job of jobs) {
      job.leaseUntil = now + LEASE_MS;
      await this.bank.save(MAIL_JOB_TYPE, job.id, job);
      this.attempt(job);
    }
    return jobs.length;
  }

  /** Stops retrying, closes the connection after what is being sent; unsent jobs stay for `recover`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.idle();
    this.mailer.close();
  }

  private attempt(job: MailJob): void {
    const p = this.run(job).catch((err: unknown) => this.log.error({ err }, "mail outbox failed"));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async run(job: MailJob): Promise<void> {
    const { to, subject } = job.message;
    try {
      await this.mailer.send(job.message);
      this.log.info({ subject }, "message sent");
      await this.forget(job);
      return;
    } catch (err) {
      this.onFailure();
      job.attempts += 1;
      const delay = RETRY_DELAYS_MS[job.attempts - 1];
      // The address is logged so an admin can tell whom a lost message was for.
      this.log.error({ err, to, subject, attempts: job.attempts }, delay === undefined ? "sending mail failed; giving up" : "sending mail failed; will retry");
      if (delay === undefined || this.closed) {
        if (delay === undefined) await this.forget(job);
        return;
      }
      job.leaseUntil = this.now() + delay + LEASE_MS;
      await this.bank.save(MAIL_JOB_TYPE, job.id, job);
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.closed) this.attempt(job);
      }, delay);
      t.unref();
      this.timers.add(t);
    }
  }

  private async forget(job: MailJob): Promise<void> {
    try {
      await this.bank.del(MAIL_JOB_TYPE, job.id);
    } catch (err) {
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }
}
