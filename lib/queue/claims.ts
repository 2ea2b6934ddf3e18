import { inTransaction, type Bank } from "../databank";
import { claim, releaseAll, renew } from "./lease";
import { JOB_TYPE, LEASE_TYPE } from "./schema";
import type { Job } from "./job";

/** A job this process holds: run it, keep the claim alive, then end it one way or the other. */
export interface Claim {
  job: Job;
  /** Extends the claim (every third of the lease while the job runs). */
  renew(): Promise<void>;
  /** The job succeeded: it and its claim go. */
  finish(): Promise<void>;
  /** The job failed: stores `next` (ready later, or parked) and lets the claim go. */
  reschedule(next: Job): Promise<void>;
}

/** How a queue claims jobs in its bank; one per driver family. */
export interface Claimer {
  /** Claims this job if it is ready, due and not held by a live claim. */
  claimOne(id: string, now: number): Promise<Claim | null>;
  /**
   * Claims up to `limit` due jobs of `kinds` not in `skip`; null when this
   * claimer has no batch claim (the queue then reads candidates and claims
   * one by one).
   */
  claimDue(limit: number, skip: Set<string>, now: number, kinds: string[]): Promise<Claim[] | null>;
}

/**
 * The claim of every driver: a lease record per claim, taken with the
 * bank's atomic `create` (lease.ts).
 */
export class LeaseClaimer implements Claimer {
  constructor(
    private readonly bank: Bank,
    private readonly holder: string,
    private readonly leaseMs: number,
    private readonly now: () => number,
  ) {}

  async claimOne(id: string, now: number): Promise<Claim | null> {
    const job = await this.bank.find<Job>(JOB_TYPE, id);
    if (!job || job.state !== "ready" || job.due > now) return null;
    const claimed = await claim(this.bank, id, job.nextClaim, this.holder, this.leaseMs, now);
    if (!claimed) return null;
    // A claim taken from a stale read may be of a job another worker just finished.
    const fresh = await this.bank.find<Job>(JOB_TYPE, id);
    if (!fresh || fresh.state !== "ready") {
      await this.bank.del(LEASE_TYPE, claimed.lease.id).catch(() => undefined);
      return null;
    }
    const { lease, claim: claimNo } = claimed;
    return {
      job: fresh,
      renew: () => renew(this.bank, lease, this.leaseMs, this.now()),
      finish: async () => {
        const done = async (bank: Bank): Promise<void> => {
          await bank.del(JOB_TYPE, id).catch(() => undefined);
          await releaseAll(bank, id, claimNo);
        };
        // The job and its claims go in one write transaction (one lock
        // handoff on SQLite, after every POST); if that fails, one by one.
        await inTransaction(this.bank, done).catch(() => done(this.bank));
      },
      reschedule: async (next) => {
        await this.bank.save(JOB_TYPE, id, { ...next, nextClaim: claimNo + 1 });
        await this.bank.del(LEASE_TYPE, lease.id).catch(() => undefined);
      },
    };
  }

  async claimDue(): Promise<Claim[] | null> {
    return null;
  }
}
