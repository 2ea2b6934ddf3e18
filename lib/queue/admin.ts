import type { Bank } from "../databank";
import type { Logger } from "../log";
import { JobQueue } from "./job-queue";

/** A parked job as the admin sees it (`pumpctl jobs`). */
export interface ParkedJobView {
  id: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  /** ms since the epoch; null for jobs parked before this was recorded */
  parkedAt: number | null;
}

/** The parked jobs, oldest first. */
export async function listParkedJobs(bank: Bank, log: Logger): Promise<ParkedJobView[]> {
  const jobs = await new JobQueue(bank, log).parked();
  return jobs
    .map((j) => ({ id: j.id, kind: j.kind, attempts: j.attempts, lastError: j.lastError ?? null, parkedAt: j.parkedAt ?? null }))
    .sort((a, b) => (a.parkedAt ?? 0) - (b.parkedAt ?? 0) || a.id.localeCompare(b.id));
}

/** Puts one parked job (or every one, for "all") back in the queue, due now; returns how many. */
export async function retryParkedJobs(bank: Bank, log: Logger, which: { id: string } | "all"): Promise<number> {
  const queue = new JobQueue(bank, log);
  if (which === "all") return queue.retryAllParked();
  return (await queue.retryParked(which.id)) ? 1 : 0;
}
