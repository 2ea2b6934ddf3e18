import { createHash } from "node:crypto";
import { NoSuchThingError, type Bank } from "../databank";
import { HttpError } from "../errors";

/** Databank type of the attempt counters (plain numbers, changed only by the bank's atomic incr/decr). */
export const THROTTLE_COUNTER_TYPE = "passwordthrottle";
/** Databank type listing the counters with the end of their window, so old ones can be purged. */
export const THROTTLE_INDEX_TYPE = "passwordthrottlekey";

export interface ThrottleOptions {
  /** Failed checks of one account from one client address per window before that pair is locked. */
  perAccount: number;
  /** Failed checks from one client address (any accounts) per window before the address is locked. */
  perAddress: number;
  /** Length of a counting window in ms; a lock lasts until its window ends. */
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  perAccount: 5,
  perAddress: 30,
  windowMs: 15 * 60 * 1000,
};

interface IndexRecord {
  key: string;
  /** Epoch ms when the counter's window ends; after that it is garbage. */
  until: number;
}

/** 429 with Retry-After: too many failed password checks. */
export class TooManyAttemptsError extends HttpError {
  constructor(retryAfterMs: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60000));
    super(429, `Too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
      headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    });
  }
}

/** One claimed attempt, to be settled with `succeeded()` when the password was right. */
export interface Attempt {
  pairKey: string;
  addressKey: string;
}

const digest = (...parts: string[]): string => createHash("sha256").update(JSON.stringify(parts)).digest("base64url");

/**
 * Password-guessing throttle, shared by every worker through the bank.
 *
 * Each check first *claims* a slot with the bank's atomic `incr` on two
 * counters of the current fixed window: (account, client address) and
 * (client address). Past a limit the claim is refused (429) before any
 * password is compared, so N requests racing on N workers still get at most
 * the limit of comparisons: there is no read-then-write gap to slip through.
 * A right password gives its slots back (the pair counter is reset).
 *
 * Keying on the pair, not the account alone, means an attacker at one
 * address can lock an account only for that address; its owner elsewhere
 * still logs in. The per-address limit slows one address trying many accounts.
 */
export class PasswordThrottle {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bank: Bank,
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claims one attempt; TooManyAttemptsError when the pair or the address is locked. */
  async claim(account: string, address: string): Promise<Attempt> {
    const now = this.now();
    const window = Math.floor(now / this.opts.windowMs);
    const until = (window + 1) * this.opts.windowMs;
    const attempt: Attempt = {
      pairKey: `${window}:pair:${digest(account.toLowerCase(), address)}`,
      addressKey: `${window}:addr:${digest(address)}`,
    };
    const pair = await this.count(attempt.pairKey, until);
    if (pair > this.opts.perAccount) throw new TooManyAttemptsError(until - now);
    const addr = await this.count(attempt.addressKey, until);
    if (addr > this.opts.perAddress) {
      // No password is compared: this claim must not count against the pair.
      await this.bank.decr(THROTTLE_COUNTER_TYPE, attempt.pairKey);
      throw new TooManyAttemptsError(until - now);
    }
    return attempt;
  }

  /** The password was right: the pair starts afresh, and the address gets its slot back. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.bank.decr(THROTTLE_COUNTER_TYPE, attempt.addressKey);
    await this.remove(THROTTLE_COUNTER_TYPE, attempt.pairKey);
  }

  /** Deletes the counters of windows that have ended; returns how many. */
  async purge(): Promise<number> {
    const now = this.now();
    const dead: string[] = [];
    await this.bank.scan<IndexRecord>(THROTTLE_INDEX_TYPE, (rec) => {
      if (rec && typeof rec.key === "string" && !(rec.until > now)) dead.push(rec.key);
    });
    for (const key of dead) {
      await this.remove(THROTTLE_COUNTER_TYPE, key);
      await this.remove(THROTTLE_INDEX_TYPE, key);
    }
    return dead.length;
  }

  /** Runs `purge()` every `intervalMs` (does not keep the process alive); `<= 0` disables it. */
  startCleanup(intervalMs: number, onError: (err: unknown) => void = () => {}): void {
    if (this.timer || !(intervalMs > 0)) return;
    this.timer = setInterval(() => this.purge().catch(onError), intervalMs);
    this.timer.unref();
  }

  stopCleanup(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Atomically adds one; the first claim of a window also lists the counter for the purge. */
  private async count(key: string, until: number): Promise<number> {
    const n = await this.bank.incr(THROTTLE_COUNTER_TYPE, key);
    if (n === 1) await this.bank.save<IndexRecord>(THROTTLE_INDEX_TYPE, key, { key, until });
    return n;
  }

  private async remove(type: string, key: string): Promise<void> {
    try {
      await this.bank.del(type, key);
    } catch (err) {
      // Another worker removed it first.
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }
}
