/** How failed jobs are retried: exponential backoff with jitter, a cap, then parking. */
export interface RetryPolicy {
  /** Delay before the first retry (ms). */
  baseDelayMs: number;
  /** Largest delay between two attempts (ms). */
  maxDelayMs: number;
  /** Attempts in all (the first run included) before the job is parked. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 5_000, maxDelayMs: 60 * 60_000, maxAttempts: 12 };

/**
 * Delay before the next attempt after `failures` failures: base·2^(n-1),
 * capped, with "equal jitter" (half fixed, half random) so that jobs that
 * failed together (a peer went down) do not all come back at once.
 */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
