import { BadRequestError } from "../errors";
import type { Logger } from "../log";
import type { SafeFetcher } from "../net/safe-request";
import { signedRequest, type RemoteCredentials } from "./signed-request";

/** A spam server gets this long per activity: the post waits for it (federation.md §9). */
export const SPAM_TIMEOUT_MS = 5_000;

export interface SpamConfig {
  /** Base URL with scheme, e.g. https://spamicity.info */
  spamhost: string;
  spamclientid: string;
  spamclientsecret: string;
}

/**
 * The activityspam check of a locally created activity (federation.md §9):
 * `POST <spamhost>/is-this-spam`, JSON, 2-legged OAuth with the configured
 * client. `{isSpam: true}` refuses the post with 400 "Looks like spam";
 * any failure (dead server, timeout, malformed answer) is a warn log line
 * and the post goes on, as in the original.
 */
export function createSpamCheck(config: SpamConfig, fetcher: SafeFetcher, log: Logger): (act: unknown) => Promise<void> {
  const url = `${config.spamhost.replace(/\/+$/, "")}/is-this-spam`;
  const creds: RemoteCredentials = { client_id: config.spamclientid, client_secret: config.spamclientsecret };
  return async (act) => {
    let verdict: { isSpam: boolean; probability: number };
    try {
      const res = await signedRequest(fetcher, creds, url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(act),
        timeoutMs: SPAM_TIMEOUT_MS,
      });
      if (res.status < 200 || res.status >= 400) throw new Error(`HTTP ${res.status}`);
      if (res.mediaType !== "application/json") throw new Error(`Content-Type ${JSON.stringify(res.mediaType)}`);
      const body = res.json() as Record<string, unknown> | null;
      if (!body || typeof body.isSpam !== "boolean" || typeof body.probability !== "number") throw new Error("malformed answer");
      verdict = { isSpam: body.isSpam, probability: body.probability };
    } catch (err) {
      log.warn({ err: (err as Error).message, spamhost: config.spamhost }, "spam check failed; treating the activity as not spam");
      return;
    }
    if (verdict.isSpam) throw new BadRequestError("Looks like spam");
  };
}
