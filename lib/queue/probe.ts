import type { Bank } from "../databank";
import type { Job } from "./job-queue";
import { JOB_TYPE } from "./schema";

/**
 * When the longest-waiting due job became due (ms since the epoch), or null
 * when no job is waiting. For the health check: a job due long ago that no
 * worker has run means the queue is stuck; jobs waiting for a retry later
 * (a peer is down) are not due, so they do not count.
 */
export async function oldestDueJob(bank: Bank): Promise<number | null> {
  const ready = await bank.search<Job>(JOB_TYPE, { state: "ready" });
  let oldest: number | null = null;
  for (const j of ready) if (typeof j.due === "number" && (oldest === null || j.due < oldest)) oldest = j.due;
  return oldest;
}
