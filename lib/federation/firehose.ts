import type { Logger } from "../log";
import type { SafeFetcher } from "../net/safe-request";

/** The firehose gets this long per call; nobody waits for it. */
export const FIREHOSE_TIMEOUT_MS = 10_000;
/** Pings in flight at most (the original's 25); more are dropped with a log line. */
const MAX_IN_FLIGHT = 25;

/**
 * Pings the configured firehose with public activities by local people
 * (federation.md §8). The endpoint is found once per worker: `OPTIONS
 * https://<host>/ping`, then `http://<host>/ping`, the first whose `Allow`
 * lists POST (not remembered on failure: tried again next time). A ping is
 * `POST /ping` with the activity's JSON (bto/bcc removed: the original
 * leaked them). Failures are log lines; nothing is retried.
 *
 * `firehose` is a host name, optionally with a port (then used for both schemes).
 */
export function createFirehose(firehose: string, userAgent: string, fetcher: SafeFetcher, log: Logger): { ping(act: Record<string, unknown>): Promise<void> } {
  const host = firehose.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const hasPort = /:\d+$/.test(host);
  const candidates = hasPort ? [`https://${host}/ping`, `http://${host}/ping`] : [`https://${host}:443/ping`, `http://${host}:80/ping`];
  let endpoint: string | null = null;
  let inFlight = 0;

  async function findEndpoint(): Promise<string> {
    if (endpoint) return endpoint;
    for (const url of candidates) {
      try {
        const res = await fetcher.request(url, { method: "OPTIONS", timeoutMs: FIREHOSE_TIMEOUT_MS, maxRedirects: 0 });
        const allow = String(res.headers.allow ?? "").toUpperCase().split(/\s*,\s*/);
        if (res.status < 400 && allow.includes("POST")) return (endpoint = new URL(url).href);
      } catch {
        // Next candidate.
      }
    }
    throw new Error("No suitable endpoints");
  }

  return {
    async ping(act) {
      if (inFlight >= MAX_IN_FLIGHT) {
        log.warn({ firehose: host, activity: act.id }, "firehose busy; ping dropped");
        return;
      }
      inFlight++;
      try {
        const url = await findEndpoint();
        const body: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(act)) if (!k.startsWith("_") && k !== "bto" && k !== "bcc") body[k] = v;
        const res = await fetcher.request(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "User-Agent": userAgent },
          body: JSON.stringify(body),
          timeoutMs: FIREHOSE_TIMEOUT_MS,
          maxRedirects: 0,
        });
        if (res.status >= 400) log.error({ firehose: url, status: res.status, activity: act.id }, "firehose refused the ping");
      } catch (err) {
        log.error({ firehose: host, err: (err as Error).message, activity: act.id }, "firehose ping failed");
      } finally {
        inFlight--;
      }
    },
  };
}
