import session from "express-session";
import { NoSuchThingError, type Bank } from "../databank";

/** Databank type of stored web sessions. */
export const SESSION_TYPE = "session";

/** How long a session lives without use when its cookie has no expiry of its own. */
export const DEFAULT_SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** A stored session: the data express-session gives us, and when it expires. */
export interface SessionRecord {
  sid: string;
  /** Epoch milliseconds after which the session is dead. */
  expires: number;
  data: session.SessionData;
}

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * An express-session store over the Bank facade, so every cluster worker
 * (all sharing the one bank) sees the same sessions. Expired sessions are
 * never returned, and `cleanup()` (run every `cleanupSession` ms when
 * started) deletes them from storage.
 */
export class BankSessionStore extends session.Store {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bank: Bank,
    private readonly ttlMs = DEFAULT_SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Starts the periodic cleanup (does not keep the process alive). `intervalMs <= 0` disables it. */
  startCleanup(intervalMs: number, onError: (err: unknown) => void = () => {}): void {
    if (this.timer || !(intervalMs > 0)) return;
    this.timer = setInterval(() => this.cleanup().catch(onError), intervalMs);
    this.timer.unref();
  }

  stopCleanup(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes every expired session; returns how many. */
  async cleanup(): Promise<number> {
    const dead: string[] = [];
    const now = this.now();
    await this.bank.scan<SessionRecord>(SESSION_TYPE, (rec) => {
      if (rec && typeof rec.sid === "string" && !(rec.expires > now)) dead.push(rec.sid);
    });
    for (const sid of dead) await this.removeSession(sid);
    return dead.length;
  }

  /** The live session's data, or null. */
  async readSession(sid: string): Promise<session.SessionData | null> {
    const rec = await this.bank.find<SessionRecord>(SESSION_TYPE, sid);
    if (!rec || !(rec.expires > this.now())) {
      await this.removeSession(sid);
      return null;
    }
    return rec.data;
  }

  /** Ends every session logged in as `nickname` (after a password reset); returns how many. */
  async removeSessionsOf(nickname: string): Promise<number> {
    const sids: string[] = [];
    await this.bank.scan<SessionRecord>(SESSION_TYPE, (rec) => {
      if (rec && typeof rec.sid === "string" && rec.data?.passport?.user === nickname) sids.push(rec.sid);
    });
    for (const sid of sids) await this.removeSession(sid);
    return sids.length;
  }

  async writeSession(sid: string, data: session.SessionData): Promise<void> {
    const rec: SessionRecord = { sid, expires: this.expiryOf(data), data: JSON.parse(JSON.stringify(data)) };
    await this.bank.save(SESSION_TYPE, sid, rec);
  }

  async removeSession(sid: string): Promise<void> {
    try {
      await this.bank.del(SESSION_TYPE, sid);
    } catch (err) {
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }

  private expiryOf(data: session.SessionData): number {
    const cookieExpiry = data?.cookie?.expires ? new Date(data.cookie.expires).getTime() : NaN;
    return Number.isFinite(cookieExpiry) ? cookieExpiry : this.now() + this.ttlMs;
  }

  // express-session's callback interface, over the promise methods above.
  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    settle(this.readSession(sid), cb);
  }
  override set(sid: string, data: session.SessionData, cb?: Callback): void {
    settle(this.writeSession(sid, data), cb);
  }
  override destroy(sid: string, cb?: Callback): void {
    settle(this.removeSession(sid), cb);
  }
  override touch(sid: string, data: session.SessionData, cb?: Callback): void {
    settle(this.writeSession(sid, data), cb);
  }
}

function settle<T>(p: Promise<T>, cb?: Callback<T>): void {
  p.then(
    (v) => cb?.(undefined, v),
    (err) => cb?.(err),
  );
}
