import type { Bank } from "../databank";
import type { Job } from "./job-queue";
import { JOB_TYPE } from "./schema";

/**
 * The jobs waiting (as JobQueue.depth() counts them) and when the
 * longest-waiting one became due (ms since the epoch; null when none
 * waits), from one read. For the health check: a job due long ago that no
 * worker has run means the queue is stuck; jobs waiting for a retry later
 * (a peer is down) are not due yet, so they do not count.
 */
export async function waitingJobs(bank: Bank): Promise<{ depth: number; oldestDue: number | null }> {
  const ready = await bank.search<Job>(JOB_TYPE, { state: "ready" });
  let oldest: number | null = null;
  for (const j of ready) if (typeof j.due === "number" && (oldest === null || j.due < oldest)) oldest = j.due;
  return { depth: ready.length, oldestDue: oldest };
}
