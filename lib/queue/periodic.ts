import { randomUUID } from "node:crypto";
import { AlreadyExistsError, type Bank } from "../databank";
import type { Logger } from "../log";
import { LEASE_TYPE } from "./schema";

/** A periodic task shared by every worker on one bank. */
export interface PeriodicTask {
  /**
   * One attempt now (what the timer does): runs the task when this process
   * wins the current period's claim; returns its result, or null when
   * another process already ran (or is running) it for this period.
   */
  tick(now?: number): Promise<unknown>;
  stop(): void;
}

/**
 * Runs `run` once per period of `intervalMs` across all the workers of all
 * the machines on the bank, rather than once per worker: time is cut into
 * periods (floor(now / interval)) and the k-th period's run belongs to the
 * process whose bank `create` of the record `periodic:<name>#<k>` succeeds
 * (the same atomic claim the job queue's leases use). Each worker ticks once
 * per interval, so every period has a tick from each live worker and one of
 * them wins; a crash costs at most that period's run.
 * 0 or less disables the task. The timer is unref'd.
 */
export function startPeriodic(
  bank: Bank,
  opts: { name: string; intervalMs: number; run: () => Promise<unknown>; log: Logger; now?: () => number },
): PeriodicTask {
  const holder = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const clock = opts.now ?? Date.now;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = async (now = clock()): Promise<unknown> => {
    if (!(opts.intervalMs > 0) || running || stopped) return null;
    const period = Math.floor(now / opts.intervalMs);
    const id = periodId(opts.name, period);
    try {
      await bank.create(LEASE_TYPE, id, { id, job: `periodic:${opts.name}`, holder, expires: (period + 1) * opts.intervalMs });
    } catch (err) {
      if (err instanceof AlreadyExistsError) return null;
      throw err;
    }
    // Earlier periods' claims are of no more use (best effort; one record stays per task).
    for (const old of [period - 1, period - 2]) await bank.del(LEASE_TYPE, periodId(opts.name, old)).catch(() => undefined);
    // A tick that was already claiming when stop() came does not start the task.
    if (stopped) return null;
    running = opts.run();
    try {
      return await running;
    } finally {
      running = null;
    }
  };
  if (!(opts.intervalMs > 0)) return { tick: async () => null, stop() {} };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => opts.log.warn({ err, task: opts.name }, "periodic task failed"));
  }, opts.intervalMs);
  timer.unref();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

function periodId(name: string, period: number): string {
  return `periodic:${name}#${period}`;
}
