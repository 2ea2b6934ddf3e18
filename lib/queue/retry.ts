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

/**
 * A failure that trying again cannot mend: the job is parked at once
 * (still listed by `pumpctl jobs` and retryable from there) instead of
 * being retried for hours. Deliveries throw it when the peer refused the
 * request itself (see `refusedForGood`).
 */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

/** True for an error that says retrying is pointless (a PermanentJobError or any error with `permanent: true`). */
export function isPermanentFailure(err: unknown): boolean {
  return err instanceof Error && (err as { permanent?: unknown }).permanent === true;
}

/**
 * HTTP answers a peer gives to a request it will refuse every time: a 4xx
 * other than 401 (bad or unknown credentials or signature: mended by
 * registering again or by a key the peer could not fetch yet), 408
 * (timeout), 425 and 429 (come back later).
 */
export function refusedForGood(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 408, 425, 429].includes(status);
}
