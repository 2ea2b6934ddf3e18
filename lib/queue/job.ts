/**
 * A job in the bank. `state` is "ready" (waiting for `due`) or "parked"
 * (gave up after the retry policy's attempts; kept for the admin).
 */
export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  state: "ready" | "parked";
  /** ms since the epoch: not run before this */
  due: number;
  /** failed attempts so far */
  attempts: number;
  /** the claim number the next run takes (see lease.ts) */
  nextClaim: number;
  enqueued: number;
  lastError?: string;
  /** ms since the epoch when it was parked */
  parkedAt?: number;
  /** PostgreSQL's claim, held in the job's own row (pg-claim.ts) */
  lease?: { holder: string; expires: number } | null;
}
