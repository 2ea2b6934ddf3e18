import type { Bank } from "../databank";

/** Databank type of the counters (shared by all workers through the bank). */
export const RATE_TYPE = "emailrate";

interface Counter {
  key: string;
  count: number;
  windowStart: number;
}

/**
 * Counts requests per key in fixed windows, so mail can't be used to
 * flood someone's inbox (or our SMTP server's reputation).
 */
export class RateLimit {
  constructor(
    private readonly bank: Bank,
    private readonly now: () => number,
  ) {}

  /** Counts one request; false when `key` already had `limit` within the current window. */
  async take(key: string, limit: number, windowMs: number): Promise<boolean> {
    const now = this.now();
    const c = await this.bank.find<Counter>(RATE_TYPE, key);
    const fresh = !c || !(now - c.windowStart < windowMs) || now < c.windowStart;
    const next: Counter = fresh ? { key, count: 1, windowStart: now } : { ...c, count: c.count + 1 };
    if (next.count > limit) return false;
    await this.bank.save(RATE_TYPE, key, next);
    return true;
  }
}
