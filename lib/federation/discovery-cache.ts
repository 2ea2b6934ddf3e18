import type { Bank } from "../databank";
import type { JrdLink } from "./discovery";

/**
 * The bank's memory of discovery answers. A success is served for `ttlMs`
 * and then fetched again (re-validation); a failure backs off on the
 * reference's repair schedule (1 min, 5 min, 30 min, 2 h, 6 h, 1 d, 2 d,
 * 8 d), so a dead peer costs one request per step, not one per delivery.
 * While backing off, a stale success is still served.
 */
export interface DiscoveryRecord {
  key: string;
  links: JrdLink[] | null;
  /** When the links were fetched (ms). */
  fetched: number | null;
  /** Until when the links are fresh (ms). */
  expires: number;
  /** Failures in a row since the last success. */
  failures: number;
  /** No new attempt before this (ms), unless asked to ignore the back-off. */
  retryAt: number;
  lastError?: string;
}

/** The reference's repair schedule (federation.md §7). */
export const BACKOFF_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 86_400_000, 172_800_000, 691_200_000];

/** Thrown while backing off and nothing is cached: the last failure, remembered. */
export class DiscoveryBackoffError extends Error {
  constructor(
    readonly key: string,
    readonly retryAt: number,
    lastError: string | undefined,
  ) {
    super(`${lastError ?? "discovery failed"} (not retried before ${new Date(retryAt).toISOString()})`);
    this.name = "DiscoveryBackoffError";
  }
}

export interface CacheOptions {
  /** Fetch even when backing off (an incoming Dialback check: the peer has just shown it is alive). */
  ignoreBackoff?: boolean;
  /** Fetch even when fresh. */
  refresh?: boolean;
}

/**
 * Returns the links for `key`: cached while fresh, else from `fetch`, whose
 * outcome is recorded. A failed fetch rethrows unless a stale copy exists.
 */
export async function cachedLinks(
  bank: Bank,
  key: string,
  ttlMs: number,
  now: number,
  fetch: () => Promise<JrdLink[]>,
  opts: CacheOptions = {},
): Promise<JrdLink[]> {
  const rec = await bank.find<DiscoveryRecord>("discovery", key);
  if (rec && rec.links && rec.expires > now && !opts.refresh) return rec.links;
  if (rec && rec.failures > 0 && rec.retryAt > now && !opts.ignoreBackoff && !opts.refresh) {
    if (rec.links) return rec.links;
    throw new DiscoveryBackoffError(key, rec.retryAt, rec.lastError);
  }
  try {
    const links = await fetch();
    await bank.save<DiscoveryRecord>("discovery", key, { key, links, fetched: now, expires: now + ttlMs, failures: 0, retryAt: 0 });
    return links;
  } catch (err) {
    const failures = (rec?.failures ?? 0) + 1;
    const retryAt = now + BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1];
    const lastError = err instanceof Error ? err.message : String(err);
    await bank.save<DiscoveryRecord>("discovery", key, {
      key,
      links: rec?.links ?? null,
      fetched: rec?.fetched ?? null,
      expires: rec?.expires ?? 0,
      failures,
      retryAt,
      lastError,
    });
    if (rec?.links && !opts.refresh) return rec.links;
    throw err;
  }
}
