import { createHash } from "node:crypto";
import { AlreadyExistsError, NoSuchThingError, type Bank } from "../databank";
import type { Logger } from "../log";
import { OAuthError, OAuthMessages } from "./errors";
import { startPeriodic } from "../queue/periodic";

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

/** A periodic task that can be stopped; `tick` runs one attempt now (tests). */
export interface Stoppable {
  stop(): void;
  /** The purge's count when this process ran it now, or null when another worker had this period. */
  tick?(now?: number): Promise<unknown>;
}

/**
 * Purges old nonces every `intervalMs` (config `cleanupNonce`; 0 or less
 * disables), in one worker only per period: the purge scans the whole
 * nonce table, so N workers (or machines) on one bank must not all do it
 * (queue/periodic.ts holds the claim in the bank). The timer is unref'd.
 */
export function startNonceCleanup(bank: Bank, intervalMs: number, log: Logger): Stoppable {
  return startPeriodic(bank, {
    name: "nonce-purge",
    intervalMs,
    log,
    run: async () => {
      const purged = await purgeNonces(bank);
      log.debug({ purged }, "purged old OAuth nonces");
      return purged;
    },
  });
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
