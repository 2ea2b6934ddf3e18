import { NoSuchThingError, type Bank } from "../databank";
import type { Logger } from "../log";
import { startPeriodic, type PeriodicTask } from "../queue/periodic";

/**
 * How long a replay record is kept. signatures.ts accepts a Date up to 10
 * minutes either way of our clock, so a signature first seen at t passes
 * the date check until t + 20 min at the latest; after that a replay is
 * refused by its date alone. A minute more for clocks of several machines.
 */
export const REPLAY_KEEP_MS = 21 * 60_000;
/** How often the purge runs (in one worker per period). */
const PURGE_EVERY_MS = 10 * 60_000;

/** Deletes the replay records (apseen) older than REPLAY_KEEP_MS; returns how many. */
export async function purgeReplays(bank: Bank, now = Date.now()): Promise<number> {
  const stale: string[] = [];
  await bank.scan<{ key: string; created: string }>("apseen", (r) => {
    const t = r && typeof r.created === "string" ? Date.parse(r.created) : NaN;
    if (!Number.isNaN(t) && t < now - REPLAY_KEEP_MS) stale.push(r.key);
  });
  for (const key of stale) {
    try {
      await bank.del("apseen", key);
    } catch (err) {
      // Another worker purged it first.
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }
  return stale.length;
}

/**
 * The periodic purge of replay records, run by one worker per period
 * across all workers and machines on the bank (queue/periodic.ts, as the
 * OAuth nonce purge). `tick(now)` runs one attempt at once.
 */
export function startReplayPurge(bank: Bank, log: Logger, intervalMs = PURGE_EVERY_MS): PeriodicTask {
  return startPeriodic(bank, {
    name: "ap-replay-purge",
    intervalMs,
    log,
    run: async () => {
      const purged = await purgeReplays(bank);
      log.debug({ purged }, "purged old HTTP Signature replay records");
      return purged;
    },
  });
}
