import type { TxBank } from "../databank";
import type { JobQueue } from "../queue/job-queue";
import type { Ctx } from "./context";

/** The job kind that distributes a stored activity to its recipients. */
export const DISTRIBUTE_JOB = "distribute";
/** Job records of the version before the job queue, resumed once by `recover()`. */
export const LEGACY_DELIVERY_JOB_TYPE = "deliveryjob";

/**
 * The seam between saving an activity and delivering it. The job is stored
 * in the bank's job queue before the work starts, so an activity whose
 * distribution was cut short (crash, restart) is picked up again by any
 * worker, once (queue/job-queue.ts).
 */
export interface DeliveryQueue {
  /**
   * Records the job and starts it; with inline delivery, resolves when done.
   * With `tx`, the job is stored with the transaction's writes and starts
   * once they are committed (inline: the commit waits for it).
   */
  enqueue(activityId: string, tx?: TxBank): Promise<void>;
  /** Resolves when every job this process started has finished. */
  drain(): Promise<void>;
  /** Starts taking due jobs (every worker, at startup); returns how many it started now. */
  recover(): Promise<number>;
  /** Stops taking jobs and waits for those in flight. */
  close(): Promise<void>;
}

export type DeliveryWorker = (activityId: string) => Promise<void>;

/** The job id of an activity's distribution: one job per activity, whoever enqueues it. */
export function distributeJobId(activityId: string): string {
  return `${DISTRIBUTE_JOB}:${activityId}`;
}

/** A DeliveryQueue over the bank's job queue. */
export class BankDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly ctx: Ctx,
    private readonly jobs: JobQueue,
    worker: DeliveryWorker,
    /** true: enqueue waits for local delivery (deterministic reads right after a post, in tests) */
    private readonly inline: boolean,
  ) {
    jobs.handle(DISTRIBUTE_JOB, async (payload) => worker((payload as { activity: string }).activity));
  }

  async enqueue(activityId: string, tx?: TxBank): Promise<void> {
    const job = await this.jobs.add(DISTRIBUTE_JOB, distributeJobId(activityId), { activity: activityId }, tx);
    const start = (): Promise<void> | undefined => {
      const run = this.jobs.runNow(job.id);
      return this.inline ? run : undefined;
    };
    if (tx) tx.afterCommit(start);
    else await start();
  }

  drain(): Promise<void> {
    return this.jobs.drain();
  }

  async recover(): Promise<number> {
    await this.adoptLegacyJobs();
    const started = await this.jobs.poll();
    this.jobs.start();
    return started;
  }

  close(): Promise<void> {
    return this.jobs.close();
  }

  /** Moves job records of the earlier queue (one per activity) into the job queue. */
  private async adoptLegacyJobs(): Promise<void> {
    const legacy: { activity: string }[] = [];
    await this.ctx.bank.scan<{ activity: string }>(LEGACY_DELIVERY_JOB_TYPE, (j) => legacy.push(j));
    for (const { activity } of legacy) {
      await this.jobs.add(DISTRIBUTE_JOB, distributeJobId(activity), { activity });
      await this.ctx.bank.del(LEGACY_DELIVERY_JOB_TYPE, activity).catch(() => undefined);
    }
  }
}
