import { createHash } from "node:crypto";
import { AlreadyExistsError, NoSuchThingError, type Bank } from "../databank";
import type { Logger } from "../log";
import { OAuthError, OAuthMessages } from "./errors";

/** Timestamps further than this from server time are refused (seconds). */
export const TIMESTAMP_WINDOW_S = 300;
/** Nonces are kept this long after they were seen (ms): longer than any accepted timestamp stays valid. */
export const NONCE_LIFETIME_MS = 600_000;

/** One (consumer, token, timestamp, nonce) combination seen. */
export interface NonceRecord {
  token_nonce: string;
  consumer_key: string;
  access_token: string | null;
  timestamp: number;
  nonce: string;
  /** Server time when seen (ms since the epoch); what the purge goes by. */
  seen: number;
}

/**
 * Refuses stale timestamps and replays: the timestamp must be within ±300 s
 * of `now`, and the combination must never have been seen. The check is
 * race-free: it is the bank's `create` that fails on a second use.
 */
export async function checkNonce(
  bank: Bank,
  consumerKey: string,
  accessToken: string | null,
  timestamp: string,
  nonce: string,
  now = Date.now(),
): Promise<void> {
  if (!/^\d{1,12}$/.test(timestamp)) throw new OAuthError(401, OAuthMessages.timestamp);
  const ts = Number(timestamp);
  if (Math.abs(now / 1000 - ts) > TIMESTAMP_WINDOW_S) throw new OAuthError(401, OAuthMessages.timestamp);
  const id = createHash("sha256").update(JSON.stringify([consumerKey, accessToken, ts, nonce])).digest("hex");
  const record: NonceRecord = { token_nonce: id, consumer_key: consumerKey, access_token: accessToken, timestamp: ts, nonce, seen: now };
  try {
    await bank.create("nonce", id, record);
  } catch (err) {
    if (err instanceof AlreadyExistsError) throw new OAuthError(401, OAuthMessages.nonce);
    throw err;
  }
}

/** Deletes nonces seen more than NONCE_LIFETIME_MS before `now`; returns how many. */
export async function purgeNonces(bank: Bank, now = Date.now()): Promise<number> {
  const stale: string[] = [];
  await bank.scan<NonceRecord>("nonce", (n) => {
    if (n && typeof n.seen === "number" && n.seen < now - NONCE_LIFETIME_MS) stale.push(n.token_nonce);
  });
  for (const id of stale) {
    try {
      await bank.del("nonce", id);
    } catch (err) {
      // Another worker purged it first.
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }
  return stale.length;
}

/** A periodic task that can be stopped. */
export interface Stoppable {
  stop(): void;
}

/**
 * Purges old nonces every `intervalMs` (config `cleanupNonce`; 0 or less
 * disables). The timer is unref'd so it never keeps a process alive.
 */
export function startNonceCleanup(bank: Bank, intervalMs: number, log: Logger): Stoppable {
  if (!(intervalMs > 0)) return { stop() {} };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeNonces(bank)
      .then((n) => log.debug({ purged: n }, "purged old OAuth nonces"))
      .catch((err: unknown) => log.warn({ err }, "could not purge old OAuth nonces"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * Claims a one-time action (e.g. exchanging a request token) across all
 * workers: true for the first caller, false for every later one while the
 * claim is kept (NONCE_LIFETIME_MS; callers record the lasting state).
 */
export async function claimOnce(bank: Bank, key: string, now = Date.now()): Promise<boolean> {
  const id = createHash("sha256").update(JSON.stringify(["claim", key])).digest("hex");
  const record: NonceRecord = { token_nonce: id, consumer_key: "", access_token: null, timestamp: Math.floor(now / 1000), nonce: key, seen: now };
  try {
    await bank.create("nonce", id, record);
    return true;
  } catch (err) {
    if (err instanceof AlreadyExistsError) return false;
    throw err;
  }
}
