import type { Request } from "express";
import type { Bank } from "../databank";
import { HttpError } from "../errors";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import type { SafeFetcher } from "../net/safe-request";
import type { DiscoveryClient } from "./discovery-client";
import { DIALBACK_WINDOW_MS, markSeen } from "./dialback-store";

/** A failed Dialback check: answered 401 text/plain with the original's header `WWW-Authentication` (sic). */
export class DialbackRefusal extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(401, message, { headers: { "WWW-Authentication": "Dialback" }, cause });
  }
}

/** What a verified Dialback header proves: a host, or a person (`user@host`). */
export interface VerifiedIdentity {
  host?: string;
  webfinger?: string;
}

/** Parses `Dialback host="a", token="b"` the original's way (pairs split on `,\s+`, quotes stripped). */
export function parseDialbackHeader(header: string): Record<string, string> | null {
  if (!header.startsWith("Dialback ")) return null;
  const out: Record<string, string> = {};
  for (const pair of header.slice("Dialback ".length).split(/,\s+/)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

export interface DialbackVerifierDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  discovery: DiscoveryClient;
  urls: UrlMaker;
  log: Logger;
  now?: () => number;
}

/**
 * Builds the check of an inbound `Authorization: Dialback …` header
 * (oauth.md §7): header form, date within 5 minutes, never seen before,
 * then the claimed host's (host-meta) or person's (WebFinger) `dialback`
 * endpoint must confirm the token for the URL the request was sent to.
 * Resolves to the identity proven; rejects with DialbackRefusal.
 */
export function createDialbackVerifier(deps: DialbackVerifierDeps): (req: Request) => Promise<VerifiedIdentity> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    const fields = parseDialbackHeader(req.headers.authorization ?? "");
    if (!fields) throw new DialbackRefusal("Authorization scheme is not 'Dialback'");
    const { token, host, webfinger } = fields;
    if (!token) throw new DialbackRefusal("Authorization header has no 'token' field");
    if (!host && !webfinger) throw new DialbackRefusal("Authorization header has neither 'host' nor 'webfinger' fields");
    const dateHeader = req.headers.date;
    if (!dateHeader) throw new DialbackRefusal("No 'Date' header");
    const ts = Date.parse(dateHeader);
    if (Number.isNaN(ts) || Math.abs(now() - ts) > DIALBACK_WINDOW_MS) throw new DialbackRefusal("'Date' header is outside our 5-minute window");
    // The URL the peer signed for: what our host-meta advertises for this path.
    const url = deps.urls.makeURL(req.path);
    // host wins when both are given; the client is bound to exactly one.
    const identity: VerifiedIdentity = host ? { host: host.toLowerCase() } : { webfinger: webfinger!.replace(/^acct:/i, "") };
    const id = identity.host ?? identity.webfinger!;
    if (identity.webfinger !== undefined && !/^[^@\s]+@[^@\s]+$/.test(identity.webfinger)) throw new DialbackRefusal("Invalid 'webfinger' field");
    if (!(await markSeen(deps.bank, { endpoint: url, id, token, ts }, now()))) throw new DialbackRefusal("We've already seen this request.");

    let endpoint: string | undefined;
    try {
      // The peer has just shown it is alive: a failure back-off must not refuse it.
      const links = identity.host ? await deps.discovery.hostMeta(identity.host, { ignoreBackoff: true }) : await deps.discovery.webfinger(`acct:${identity.webfinger}`, { ignoreBackoff: true });
      endpoint = links.find((l) => l.rel === "dialback" && typeof l.href === "string")?.href;
    } catch (err) {
      throw new DialbackRefusal(`Cannot discover the dialback endpoint of ${id}: ${(err as Error).message}`, err);
    }
    if (!endpoint) throw new DialbackRefusal(`${id} has no dialback endpoint`);
    const form = new URLSearchParams({ ...(identity.host ? { host: fields.host } : { webfinger: fields.webfinger }), token, date: dateHeader, url });
    try {
      const res = await deps.fetcher.request(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        maxRedirects: 0,
      });
      if (res.status < 200 || res.status >= 300) throw new DialbackRefusal(`Dialback check of ${id} failed: ${res.status} ${res.text().slice(0, 200)}`);
    } catch (err) {
      if (err instanceof DialbackRefusal) throw err;
      throw new DialbackRefusal(`Dialback check of ${id} failed: ${(err as Error).message}`, err);
    }
    deps.log.debug({ dialback: id }, "dialback verified");
    return identity;
  };
}
