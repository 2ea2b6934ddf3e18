/**
 * Respawn backoff for crashing workers: the first crash is answered at once,
 * each further crash in a row doubles the wait up to `maxMs`, and a quiet
 * period of `resetAfterMs` without crashes forgets the streak. A crash loop
 * thus settles at one fork every `maxMs` instead of spinning the CPU.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { baseMs: 250, maxMs: 30_000, resetAfterMs: 60_000 };

export class RespawnBackoff {
  private streak = 0;
  private lastCrashAt = -Infinity;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Records a crash at `now` and returns how long to wait before the respawn, and the streak length. */
  crashed(now: number): { delayMs: number; streak: number } {
    if (now - this.lastCrashAt >= this.opts.resetAfterMs) this.streak = 0;
    this.lastCrashAt = now;
    this.streak += 1;
    return { delayMs: backoffDelay(this.streak, this.opts), streak: this.streak };
  }
}

/** The wait before respawning after the `streak`-th crash in a row (1-based). */
export function backoffDelay(streak: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  if (streak <= 1) return 0;
  return Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(streak - 2, 30));
}
