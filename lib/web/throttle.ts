import { NoSuchThingError, type Bank } from "../databank";
import { HttpError } from "../errors";

/** Databank type of login failure counters. */
export const THROTTLE_TYPE = "loginthrottle";

export interface ThrottleOptions {
  /** Failures per nickname within the window before it is locked. */
  perNickname: number;
  /** Failures per client address within the window before it is locked. */
  perAddress: number;
  /** Milliseconds in which failures are counted. */
  windowMs: number;
  /** Milliseconds a locked nickname or address stays locked. */
  lockoutMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  perNickname: 5,
  perAddress: 30,
  windowMs: 15 * 60 * 1000,
  lockoutMs: 15 * 60 * 1000,
};

interface Counter {
  key: string;
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/** 429 with Retry-After: too many failed logins. */
export class TooManyAttemptsError extends HttpError {
  constructor(retryAfterMs: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60000));
    super(429, `Too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
      headers: { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) },
    });
  }
}

/**
 * Login throttling against password guessing: failures are counted per
 * nickname and per client address in the bank (so all cluster workers
 * share them); past the limit within the window, that key is locked out.
 * A successful login clears the nickname's counter.
 */
export class LoginThrottle {
  constructor(
    private readonly bank: Bank,
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyAttemptsError if the nickname or the address is locked. */
  async check(nickname: string, address: string): Promise<void> {
    const now = this.now();
    for (const key of this.keys(nickname, address)) {
      const c = await this.read(key);
      if (c && c.lockedUntil > now) throw new TooManyAttemptsError(c.lockedUntil - now);
    }
  }

  /** Records a failed attempt. */
  async fail(nickname: string, address: string): Promise<void> {
    const [nickKey, addrKey] = this.keys(nickname, address);
    await this.bump(nickKey, this.opts.perNickname);
    await this.bump(addrKey, this.opts.perAddress);
  }

  /** Clears the nickname's failures after a good login. */
  async succeed(nickname: string): Promise<void> {
    try {
      await this.bank.del(THROTTLE_TYPE, this.keys(nickname, "")[0]);
    } catch (err) {
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }

  private keys(nickname: string, address: string): [string, string] {
    return [`nick:${nickname.toLowerCase()}`, `addr:${address}`];
  }

  private async read(key: string): Promise<Counter | null> {
    return this.bank.find<Counter>(THROTTLE_TYPE, key);
  }

  private async bump(key: string, limit: number): Promise<void> {
    const now = this.now();
    const c = await this.read(key);
    const fresh = !c || now - c.windowStart > this.opts.windowMs;
    const next: Counter = fresh
      ? { key, failures: 1, windowStart: now, lockedUntil: 0 }
      : { ...c, failures: c.failures + 1 };
    if (next.failures >= limit) next.lockedUntil = now + this.opts.lockoutMs;
    await this.bank.save(THROTTLE_TYPE, key, next);
  }
}
