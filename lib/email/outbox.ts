import { randomUUID } from "node:crypto";
import { NoSuchThingError, type Bank } from "../databank";
import type { Logger } from "../log";
import { JobQueue, type Job } from "../queue/job-queue";
import type { RetryPolicy } from "../queue/retry";
import type { MailMessage, Mailer } from "./mailer";

/** The job kind of one message to send. */
export const EMAIL_JOB = "email";
/** Mail records of the version before the job queue, moved into it by `recover()`. */
export const MAIL_JOB_TYPE = "mailjob";

/** Three attempts: now, about a minute later, then some minutes later; then the job is parked (pumpctl jobs). */
export const MAIL_RETRY: RetryPolicy = { baseDelayMs: 60_000, maxDelayMs: 10 * 60_000, maxAttempts: 3 };

/**
 * Mail that must not hold up the request that caused it. `send` records
 * the message as a job in the bank's job queue (kind "email") and returns;
 * the SMTP exchange happens after, with retries. The queue's claim makes
 * each message go out once, however many workers start at the same time,
 * and a message cut short by a crash or restart is sent by another worker
 * once its claim expires. A dead SMTP server costs log lines, never an
 * error for the caller.
 */
export class MailOutbox {
  private readonly jobs: JobQueue;

  constructor(
    private readonly bank: Bank,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    now: () => number = Date.now,
    /** Told of each failed attempt (metrics). */
    private readonly onFailure: () => void = () => undefined,
  ) {
    this.jobs = new JobQueue(bank, log.child({ component: "queue" }), { retry: MAIL_RETRY, now, leaseMs: 5 * 60_000 });
    this.jobs.handle(EMAIL_JOB, (payload, job) => this.deliver(payload as MailMessage, job));
  }

  /** Messages recorded and not yet sent (site-wide), for metrics. */
  pending(): Promise<number> {
    return this.jobs.depth(EMAIL_JOB);
  }

  /** Records the message and starts sending it; resolves once it is recorded (never on SMTP). */
  async send(message: MailMessage): Promise<void> {
    let job: Job;
    try {
      job = await this.jobs.add(EMAIL_JOB, `${EMAIL_JOB}:${randomUUID()}`, message);
    } catch (err) {
      // Not recorded: still try once, so a storage hiccup does not lose it silently.
      this.log.error({ err, subject: message.subject }, "could not record mail; sending without retry");
      void this.mailer.send(message).catch((e: unknown) => this.log.error({ err: e, to: message.to, subject: message.subject }, "sending mail failed; giving up"));
      return;
    }
    void this.jobs.runNow(job.id);
  }

  /** Resolves when nothing is being sent right now (retries scheduled for later don't count). */
  idle(): Promise<void> {
    return this.jobs.drain();
  }

  /** Starts sending mail that is due (left by a stopped worker, or waiting for a retry), then polls; returns how many it started now. */
  async recover(): Promise<number> {
    await this.adoptLegacy();
    const started = await this.jobs.poll();
    this.jobs.start();
    return started;
  }

  /** Stops taking jobs, waits for what is being sent, closes the connection; unsent jobs stay in the bank. */
  async close(): Promise<void> {
    await this.jobs.close();
    this.mailer.close();
  }

  private async deliver(message: MailMessage, job: Job): Promise<void> {
    const { to, subject } = message;
    try {
      await this.mailer.send(message);
    } catch (err) {
      this.onFailure();
      const attempts = job.attempts + 1;
      // The address is logged so an admin can tell whom a lost message was for.
      const last = attempts >= MAIL_RETRY.maxAttempts;
      this.log.error({ err, to, subject, attempts }, last ? "sending mail failed; giving up" : "sending mail failed; will retry");
      throw err;
    }
    this.log.info({ subject }, "message sent");
  }

  /** Moves unsent mail of the earlier outbox (its own records) into the job queue. */
  private async adoptLegacy(): Promise<void> {
    const legacy: { id: string; message: MailMessage }[] = [];
    await this.bank.scan<{ id: string; message: MailMessage }>(MAIL_JOB_TYPE, (j) => {
      if (j && typeof j.id === "string" && j.message) legacy.push(j);
    });
    for (const { id, message } of legacy) {
      await this.jobs.add(EMAIL_JOB, `${EMAIL_JOB}:${id}`, message);
      await this.bank.del(MAIL_JOB_TYPE, id).catch((err: unknown) => {
        if (!(err instanceof NoSuchThingError)) throw err;
      });
    }
  }
}
