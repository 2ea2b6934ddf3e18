import { randomBytes } from "node:crypto";
import type { Bank } from "../databank";
import { BadRequestError } from "../errors";
import type { UrlMaker } from "../url-maker";
import type { SafeFetcher, SafeRequestOptions, SafeResponse } from "../net/safe-request";
import { DIALBACK_WINDOW_MS, rememberSent, wasSent } from "./dialback-store";

/**
 * Who a Dialback request speaks for: this server (`host`) or one of its
 * people (`webfinger`, `user@host` without `acct:`). Exactly one is set.
 */
export type DialbackPrincipal = { host: string; webfinger?: undefined } | { webfinger: string; host?: undefined };

/** The identity string of a principal, as it appears in the header and in stored records. */
export function principalId(p: DialbackPrincipal): string {
  return p.host ?? p.webfinger!;
}

/**
 * This server's Dialback host: `hostname`, or `hostname:port` on a
 * non-default port (the only name under which peers can reach our
 * host-meta; the original cannot resolve ports, so only the first
 * federates with it).
 */
export function ourDialbackHost(urls: UrlMaker): string {
  return urls.host;
}

/**
 * Sends `url` a request signed with Dialback as `principal`
 * (draft-prodromou-dialback; federation.md §4): a random token and the
 * date (whole seconds) go in `Authorization: Dialback …` and `Date`, and
 * are remembered so that the peer's check at our /api/dialback succeeds.
 */
export async function dialbackRequest(
  deps: { bank: Bank; fetcher: SafeFetcher; now?: () => number },
  principal: DialbackPrincipal,
  url: string,
  options: SafeRequestOptions = {},
): Promise<SafeResponse> {
  const now = deps.now ?? Date.now;
  const token = randomBytes(8).toString("base64url");
  const ts = Math.floor(now() / 1000) * 1000;
  const id = principalId(principal);
  await rememberSent(deps.bank, { endpoint: url, id, token, ts }, now());
  const field = principal.host !== undefined ? "host" : "webfinger";
  return deps.fetcher.request(url, {
    ...options,
    // Redirects would change the URL the peer checks with us: never follow them.
    maxRedirects: 0,
    headers: {
      ...options.headers,
      Authorization: `Dialback ${field}="${id}", token="${token}"`,
      Date: new Date(ts).toUTCString(),
    },
  });
}

/**
 * POST /api/dialback: a peer asks whether we sent a request (oauth.md §7).
 * Returns normally when we did; throws BadRequestError with the original's
 * messages otherwise.
 */
export async function confirmDialback(bank: Bank, urls: UrlMaker, body: Record<string, unknown>, now = Date.now()): Promise<void> {
  const str = (k: string) => (typeof body[k] === "string" && body[k] !== "" ? (body[k] as string) : undefined);
  const host = str("host");
  const webfinger = str("webfinger");
  const ours = (h: string) => h.toLowerCase() === urls.hostname.toLowerCase() || h.toLowerCase() === urls.host.toLowerCase();
  let id: string;
  if (host !== undefined) {
    if (!ours(host)) throw new BadRequestError("Incorrect host");
    id = host;
  } else if (webfinger !== undefined) {
    const at = webfinger.lastIndexOf("@");
    if (at <= 0 || !ours(webfinger.slice(at + 1))) throw new BadRequestError("Incorrect host");
    id = webfinger;
  } else {
    throw new BadRequestError("No identity");
  }
  const token = str("token");
  if (token === undefined) throw new BadRequestError("No token");
  const date = str("date");
  if (date === undefined) throw new BadRequestError("No date");
  const ts = Date.parse(date);
  if (Number.isNaN(ts) || Math.abs(now - ts) > DIALBACK_WINDOW_MS) throw new BadRequestError("Invalid date");
  const endpoint = str("url");
  if (endpoint === undefined || !(await wasSent(bank, { endpoint, id, token, ts }, now))) throw new BadRequestError("Not my token");
}
