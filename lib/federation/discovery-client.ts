import type { Bank } from "../databank";
import { HttpError } from "../errors";
import type { Logger } from "../log";
import { OutgoingRequestError, type SafeFetcher } from "../net/safe-request";
import type { JrdLink } from "./discovery";
import { cachedLinks, DiscoveryBackoffError, type CacheOptions } from "./discovery-cache";
import { JRD_TYPES, linksFromResponse } from "./jrd";

/**
 * Discovery of other servers (federation.md §2, §7): host-meta (JSON, then
 * XRD), WebFinger/lrdd of `acct:` ids and of http(s) object ids, and the
 * Host record of a server's OAuth and Dialback endpoints. Answers are
 * cached in the bank (see discovery-cache.ts). Every request goes through
 * the safe fetcher.
 */
export interface DiscoveryClient {
  /** The links of `host`'s host-meta (`host` may carry a port: `b.example:8443`). */
  hostMeta(host: string, opts?: CacheOptions): Promise<JrdLink[]>;
  /** The links WebFinger gives for `resource` (`acct:user@host`, `user@host` or an http(s) id). */
  webfinger(resource: string, opts?: CacheOptions): Promise<JrdLink[]>;
  /** The remote server's endpoints, from its host-meta; saved as a `host` record. */
  ensureHost(host: string, opts?: CacheOptions): Promise<HostRecord>;
}

/** A remote server's endpoints (the original's Host model). */
export interface HostRecord {
  hostname: string;
  registration_endpoint: string;
  request_token_endpoint: string;
  access_token_endpoint: string;
  authorization_endpoint: string;
  whoami_endpoint: string;
  dialback_endpoint: string | null;
  created: string;
  modified: string;
}

/**
 * Discovery failed: the peer is unreachable, refused by the address
 * policy, or answered something unusable. A 502 if it reaches a client;
 * Dialback turns it into a 401, delivery into a retry.
 */
export class DiscoveryError extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(502, message, { cause });
  }
}

export interface DiscoveryDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  log: Logger;
  now?: () => number;
  /** How long a host-meta answer is fresh (default 1 day). */
  hostMetaTtlMs?: number;
  /** How long a WebFinger answer is fresh (default 1 hour). */
  webfingerTtlMs?: number;
}

/** Names reserved for documentation and tests (RFC 2606): never looked up. */
export function isReservedHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return /^(.*\.)?example\.(com|org|net)$/.test(name) || /(^|\.)(example|invalid)$/.test(name) || name === "activityschema.org";
}

/** The host part of `acct:user@host`, `user@host` or an http(s) URL; null when there is none. */
export function hostOfResource(resource: string): string | null {
  if (/^https?:/i.test(resource)) {
    try {
      return new URL(resource).host || null;
    } catch {
      return null;
    }
  }
  const address = resource.replace(/^acct:/i, "");
  const at = address.lastIndexOf("@");
  return at > 0 && at < address.length - 1 ? address.slice(at + 1).toLowerCase() : null;
}

/** `user@host` -> `acct:user@host` (the original's canonicalID). */
export function canonicalResource(resource: string): string {
  return !/^[a-z][a-z0-9+.-]*:/i.test(resource) && resource.includes("@") ? `acct:${resource}` : resource;
}

/**
 * Schemes to try for a host, in order: https first for the default port
 * (as a site behind TLS), http first when an explicit non-443 port is
 * given (our own servers on test ports use plain http there).
 */
function schemesFor(host: string): Array<"https" | "http"> {
  const port = /:(\d+)$/.exec(host)?.[1];
  return port && port !== "443" ? ["http", "https"] : ["https", "http"];
}

const REQUIRED_RELS = {
  registration_endpoint: "registration_endpoint",
  request_token_endpoint: "http://apinamespace.org/oauth/request_token",
  access_token_endpoint: "http://apinamespace.org/oauth/access_token",
  authorization_endpoint: "http://apinamespace.org/oauth/authorize",
  whoami_endpoint: "http://apinamespace.org/activitypub/whoami",
} as const;

export function createDiscoveryClient(deps: DiscoveryDeps): DiscoveryClient {
  const now = deps.now ?? Date.now;
  const hostTtl = deps.hostMetaTtlMs ?? 86_400_000;
  const wfTtl = deps.webfingerTtlMs ?? 3_600_000;

  /** GETs the first usable discovery document among `urls`; an address refusal ends the search. */
  async function firstUsable(urls: Array<{ url: string; accept: string }>): Promise<JrdLink[]> {
    const problems: string[] = [];
    for (const { url, accept } of urls) {
      try {
        const res = await deps.fetcher.request(url, { headers: { Accept: accept } });
        if (res.status < 200 || res.status >= 300) {
          problems.push(`${url}: HTTP ${res.status}`);
          continue;
        }
        return linksFromResponse(res);
      } catch (err) {
        if (err instanceof OutgoingRequestError && (err.reason === "address" || err.reason === "scheme")) throw new DiscoveryError(err.message, err);
        problems.push(`${url}: ${(err as Error).message}`);
      }
    }
    throw new DiscoveryError(`Discovery failed: ${problems.join("; ")}`);
  }

  function guard(host: string): void {
    if (isReservedHost(host)) throw new DiscoveryError(`${host} is a reserved name; not looked up`);
    if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)) throw new DiscoveryError(`${JSON.stringify(host)} is not a host name`);
  }

  async function hostMeta(host: string, opts: CacheOptions = {}): Promise<JrdLink[]> {
    const h = host.toLowerCase();
    guard(h);
    return wrap(() =>
      cachedLinks(deps.bank, `host-meta:${h}`, hostTtl, now(), () =>
        firstUsable(
          schemesFor(h).flatMap((s) => [
            { url: `${s}://${h}/.well-known/host-meta.json`, accept: "application/json" },
            { url: `${s}://${h}/.well-known/host-meta`, accept: "application/xrd+xml, application/json;q=0.9" },
          ]),
        ), opts),
    );
  }

  async function webfinger(resource: string, opts: CacheOptions = {}): Promise<JrdLink[]> {
    const id = canonicalResource(resource);
    const host = hostOfResource(id);
    if (!host) throw new DiscoveryError(`Cannot tell the host of ${JSON.stringify(resource)}`);
    guard(host);
    // host-meta is optional (RFC 7033): ActivityPub-only servers (Mastodon, fedify...) may serve only
    // /.well-known/webfinger, so a host without a usable host-meta is asked there.
    const meta = await hostMeta(host, opts).catch(() => [] as JrdLink[]);
    const lrdd = meta.filter((l) => l.rel === "lrdd" && typeof l.template === "string" && l.template.includes("{uri}"));
    // JSON lrdd first (the original's webfinger route), then XRD, then the well-known path.
    const ordered = [...lrdd.filter((l) => JRD_TYPES.includes(l.type ?? "")), ...lrdd.filter((l) => !JRD_TYPES.includes(l.type ?? ""))];
    const urls = ordered.map((l) => ({ url: l.template!.replace("{uri}", encodeURIComponent(id)), accept: JRD_TYPES.includes(l.type ?? "") ? "application/json" : "application/xrd+xml, application/json;q=0.9" }));
    if (urls.length === 0) urls.push(...schemesFor(host).map((s) => ({ url: `${s}://${host}/.well-known/webfinger?resource=${encodeURIComponent(id)}`, accept: "application/json" })));
    return wrap(() => cachedLinks(deps.bank, `webfinger:${id}`, wfTtl, now(), () => firstUsable(urls), opts));
  }

  async function ensureHost(host: string, opts: CacheOptions = {}): Promise<HostRecord> {
    const h = host.toLowerCase();
    const links = await hostMeta(h, opts);
    const href = (rel: string) => links.find((l) => l.rel === rel && typeof l.href === "string")?.href ?? null;
    const endpoints: Record<string, string> = {};
    for (const [field, rel] of Object.entries(REQUIRED_RELS)) {
      const url = href(rel);
      if (!url) throw new DiscoveryError(`${h} does not implement ${rel}`);
      endpoints[field] = url;
    }
    const stamp = new Date(now()).toISOString();
    const old = await deps.bank.find<HostRecord>("host", h);
    const record = { ...(endpoints as Omit<HostRecord, "hostname" | "dialback_endpoint" | "created" | "modified">), hostname: h, dialback_endpoint: href("dialback"), created: old?.created ?? stamp, modified: stamp };
    const changed = !old || Object.entries(record).some(([k, v]) => k !== "modified" && (old as unknown as Record<string, unknown>)[k] !== v);
    if (changed) await deps.bank.save("host", h, record);
    return changed ? record : old!;
  }

  return { hostMeta, webfinger, ensureHost };
}

/** Turns any discovery failure into a DiscoveryError (one type for callers to catch). */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DiscoveryError) throw err;
    if (err instanceof DiscoveryBackoffError) throw new DiscoveryError(err.message, err);
    throw new DiscoveryError(`Discovery failed: ${(err as Error).message}`, err);
  }
}
