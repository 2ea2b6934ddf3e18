import { AlreadyExistsError, type Bank } from "../databank";
import { LEASE_TYPE } from "./schema";

/**
 * Leases make "no job runs twice at once" hold across workers and machines
 * with nothing but the bank's atomic `create`: the k-th claim of a job is
 * the record `<job>#<k>`, and only one process can create it. A claim
 * whose lease has expired (its holder crashed or hangs) is passed over by
 * trying k+1, so a dead worker's job is taken over after the lease time.
 */
export interface Lease {
  id: string;
  job: string;
  holder: string;
  /** ms since the epoch */
  expires: number;
}

/** Tries to take the next claim of `jobId`; null when a live lease holds it. */
export async function claim(bank: Bank, jobId: string, firstClaim: number, holder: string, leaseMs: number, now: number): Promise<{ lease: Lease; claim: number } | null> {
  // Bounded: each step passes over one expired claim (one crash).
  for (let k = firstClaim; k < firstClaim + 1000; k++) {
    const id = `${jobId}#${k}`;
    const existing = await bank.find<Lease>(LEASE_TYPE, id);
    if (existing) {
      if (existing.expires > now) return null;
      continue;
    }
    const lease: Lease = { id, job: jobId, holder, expires: now + leaseMs };
    try {
      await bank.create(LEASE_TYPE, id, lease);
      return { lease, claim: k };
    } catch (err) {
      if (err instanceof AlreadyExistsError) return null; // another process won this claim
      throw err;
    }
  }
  return null;
}

/** Extends a held lease (only its holder writes it). */
export async function renew(bank: Bank, lease: Lease, leaseMs: number, now: number): Promise<void> {
  lease.expires = now + leaseMs;
  await bank.save(LEASE_TYPE, lease.id, lease);
}

/** Removes every claim record of a finished job, from its first claim to `last`. */
export async function releaseAll(bank: Bank, jobId: string, last: number): Promise<void> {
  for (let k = 0; k <= last; k++) {
    const gone = await bank.find(LEASE_TYPE, `${jobId}#${k}`);
    if (gone) await bank.del(LEASE_TYPE, `${jobId}#${k}`).catch(() => undefined);
  }
}
