import { Router } from "express";
import type { Bank } from "../databank";

/** What the health check reads from the job queue. */
export interface QueueProbe {
  /** Jobs waiting, and when the longest-waiting became due (null: none); lib/queue/probe.ts. */
  waiting(): Promise<{ depth: number; oldestDue: number | null }>;
  parked(): Promise<unknown[]>;
}

export interface HealthOptions {
  bank: Bank;
  queue: QueueProbe;
  /** A check slower than this fails (ms). */
  timeoutMs?: number;
  /** A job due this long ago and still not run: the queue is stuck (ms). */
  stuckAfterMs?: number;
  now?: () => number;
}

export const HEALTH_TIMEOUT_MS = 5000;
export const QUEUE_STUCK_AFTER_MS = 15 * 60_000;

/**
 * GET /health (readiness: the database answers and the job queue is not
 * stuck, i.e. no job has been due for `stuckAfterMs` without running; 200 or 503 with the details) and GET /health/live (liveness: the
 * worker's event loop answers; always 200, no I/O). Both are JSON, never
 * cached, and need no authentication: they reveal counts, nothing more.
 */
export function createHealthRouter(opts: HealthOptions): Router {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const stuckAfterMs = opts.stuckAfterMs ?? QUEUE_STUCK_AFTER_MS;
  const router = Router();

  router.get("/health/live", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok", pid: process.pid, uptime: Math.round(process.uptime()) });
  });

  router.get("/health", (_req, res, next) => {
    const started = now();
    const database = check(timeoutMs, async () => {
      // A read of a key no nickname can be (":" is not allowed): it reaches the store and changes nothing.
      await opts.bank.find("user", "health-check:no-such-user");
      return {};
    });
    const queue = check(timeoutMs, async () => {
      const [{ depth, oldestDue }, parked] = await Promise.all([opts.queue.waiting(), opts.queue.parked()]);
      // Jobs waiting for a later retry (a peer is down) are not due: only a due job nobody runs is stuck.
      const overdueMs = oldestDue === null ? 0 : Math.max(0, now() - oldestDue);
      return { depth, parked: parked.length, overdueMs, stuck: overdueMs >= stuckAfterMs };
    });
    Promise.all([database, queue])
      .then(([db, q]) => {
        const ok = db.ok && q.ok && q.stuck !== true;
        res
          .status(ok ? 200 : 503)
          .set("Cache-Control", "no-store")
          .json({ status: ok ? "ok" : "unavailable", pid: process.pid, ms: now() - started, checks: { database: db, queue: q } });
      })
      .catch(next);
  });
  return router;
}

type CheckResult = { ok: boolean; error?: string; stuck?: boolean } & Record<string, unknown>;

/** Runs one check with a deadline; a failure is reported by its message, never thrown. */
async function check(timeoutMs: number, run: () => Promise<Record<string, unknown>>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const details = await Promise.race([run(), deadline]);
    return { ok: true, ...details };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
