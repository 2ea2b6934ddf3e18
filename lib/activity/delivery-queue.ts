import { NoSuchThingError } from "../databank";
import { stamp } from "../model/ids";
import type { Ctx } from "./context";

export const DELIVERY_JOB_TYPE = "deliveryjob";

/** A job record: one per activity waiting for distribution. */
export interface DeliveryJob {
  activity: string;
  enqueued: string;
  attempts: number;
  lastError?: string;
}

/**
 * The seam between saving an activity and delivering it. A job is written
 * to the bank before the work starts, so an activity whose distribution
 * was cut short (crash, restart) is picked up again by `recover()`.
 */
export interface DeliveryQueue {
  /** Records the job and starts it; with inline delivery, resolves when done. */
  enqueue(activityId: string): Promise<void>;
  /** Resolves when every job started so far has finished. */
  drain(): Promise<void>;
  /** Runs jobs left over in the bank (call once at startup); returns how many. */
  recover(): Promise<number>;
  /** Stops taking jobs and waits for those in flight. */
  close(): Promise<void>;
}

export type DeliveryWorker = (activityId: string) => Promise<void>;

/** A DeliveryQueue whose job records live in the bank (type `deliveryjob`). */
export class BankDeliveryQueue implements DeliveryQueue {
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly worker: DeliveryWorker,
    /** true: enqueue waits for local delivery (deterministic reads right after a post) */
    private readonly inline: boolean,
  ) {}

  async enqueue(activityId: string): Promise<void> {
    const job: DeliveryJob = { activity: activityId, enqueued: stamp(), attempts: 0 };
    await this.ctx.bank.save(DELIVERY_JOB_TYPE, activityId, job);
    if (this.closed) return; // left for recover() after restart
    const run = this.track(this.run(job));
    if (this.inline) await run;
  }

  private track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  private async run(job: DeliveryJob): Promise<void> {
    try {
      await this.worker(job.activity);
      await this.ctx.bank.del(DELIVERY_JOB_TYPE, job.activity).catch((err: unknown) => {
        if (!(err instanceof NoSuchThingError)) throw err;
      });
    } catch (err) {
      const attempts = job.attempts + 1;
      this.ctx.log.error({ err, activity: job.activity, attempts }, "delivery failed");
      await this.ctx.bank
        .save(DELIVERY_JOB_TYPE, job.activity, { ...job, attempts, lastError: String(err) })
        .catch(() => undefined);
    }
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async recover(): Promise<number> {
    const jobs: DeliveryJob[] = [];
    await this.ctx.bank.scan<DeliveryJob>(DELIVERY_JOB_TYPE, (j) => jobs.push(j));
    for (const job of jobs) await this.track(this.run(job));
    return jobs.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }
}
