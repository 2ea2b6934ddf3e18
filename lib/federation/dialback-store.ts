import { createHash } from "node:crypto";
import { AlreadyExistsError, NoSuchThingError, type Bank } from "../databank";

/** Dialback dates further than this from our clock are refused (both sides; oauth.md §7). */
export const DIALBACK_WINDOW_MS = 5 * 60_000;
/** Records are kept this long: longer than any date that can still pass the window check. */
const KEEP_MS = 2 * DIALBACK_WINDOW_MS + 60_000;

/** One Dialback request: who claims it, where it was sent, its token and its date (ms, whole seconds). */
export interface DialbackFacts {
  /** The URL the request was sent to, byte for byte. */
  endpoint: string;
  /** `host` or `user@host`. */
  id: string;
  token: string;
  ts: number;
}

interface StoredRequest extends DialbackFacts {
  key: string;
  created: number;
}

function keyOf(f: DialbackFacts): string {
  return createHash("sha256").update(JSON.stringify([f.endpoint, f.id, f.token, f.ts])).digest("hex");
}

/** Remembers a request this server signs, so /api/dialback can confirm it. */
export async function rememberSent(bank: Bank, facts: DialbackFacts, now = Date.now()): Promise<void> {
  const key = keyOf(facts);
  await bank.save<StoredRequest>("dialbackrequest", key, { key, ...facts, created: now });
}

/** True when this server signed exactly this request, recently. */
export async function wasSent(bank: Bank, facts: DialbackFacts, now = Date.now()): Promise<boolean> {
  const rec = await bank.find<StoredRequest>("dialbackrequest", keyOf(facts));
  return rec !== null && now - rec.created <= KEEP_MS;
}

/**
 * Records a Dialback header as seen; false when it was seen before (a
 * replay). Race-free across workers: the bank's `create` fails on the second.
 */
export async function markSeen(bank: Bank, facts: DialbackFacts, now = Date.now()): Promise<boolean> {
  const key = keyOf(facts);
  try {
    await bank.create("dialbackseen", key, { key, created: now });
    return true;
  } catch (err) {
    if (err instanceof AlreadyExistsError) return false;
    throw err;
  }
}

/** Deletes requests and seen headers older than the window allows; returns how many. */
export async function sweepDialback(bank: Bank, now = Date.now()): Promise<number> {
  let n = 0;
  for (const type of ["dialbackrequest", "dialbackseen"]) {
    const stale: string[] = [];
    await bank.scan<{ key: string; created: number }>(type, (r) => {
      if (r && typeof r.created === "number" && now - r.created > KEEP_MS) stale.push(r.key);
    });
    for (const key of stale) {
      try {
        await bank.del(type, key);
        n++;
      } catch (err) {
        // Another worker swept it first.
        if (!(err instanceof NoSuchThingError)) throw err;
      }
    }
  }
  return n;
}
