import { createHash } from "node:crypto";
import type { Bank } from "../databank";
import { BadRequestError, HttpError, NotFoundError } from "../errors";
import type { UrlMaker } from "../url-maker";
import type { SafeResponse } from "../net/safe-request";
import type { CredentialStore } from "./credentials";

/** Request headers passed on to the remote server (conditional GETs). */
const FORWARDED = ["if-modified-since", "if-none-match"];
/** Answer headers passed back to our user. */
export const RELAYED = ["content-type", "last-modified", "etag", "expires", "cache-control"];

/** The remote server failed or refused: a 502 (the original answered 500). */
export class ProxyFetchError extends HttpError {
  constructor(cause?: unknown) {
    super(502, "Unable to retrieve proxy data", { cause });
  }
}

/**
 * The proxy for local users reading remote media and feeds (federation.md
 * §7): `/api/proxy/<id>` stands for one remote URL; reading it fetches the
 * URL with 2-legged OAuth using credentials registered at that host **as
 * the reading user** (webfinger `nick@ourhost`), so the remote server sees
 * who asks. Ids are derived from the URL, so one URL has one proxy.
 */
export interface Proxies {
  /** The local `/api/proxy/<id>` URL standing for a remote http(s) URL (created once). */
  urlFor(remoteUrl: string): Promise<string>;
  /** Fetches the remote URL behind `id` as local user `nickname`; 404 for an unknown id. */
  fetch(id: string, nickname: string, headers: Record<string, string | string[] | undefined>): Promise<SafeResponse>;
}

interface ProxyRecord {
  id: string;
  url: string;
  created: string;
}

export function createProxies(deps: { bank: Bank; urls: UrlMaker; credentials: CredentialStore; ourHost: string }): Proxies {
  return {
    async urlFor(remoteUrl) {
      let u: URL;
      try {
        u = new URL(remoteUrl);
      } catch {
        throw new BadRequestError(`Not a URL: ${remoteUrl}`);
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new BadRequestError(`Not an http(s) URL: ${remoteUrl}`);
      const id = createHash("sha256").update(u.href).digest("base64url").slice(0, 22);
      if (!(await deps.bank.find<ProxyRecord>("proxy", id))) await deps.bank.save<ProxyRecord>("proxy", id, { id, url: u.href, created: new Date().toISOString() });
      return deps.urls.makeURL(`/api/proxy/${id}`);
    },
    async fetch(id, nickname, headers) {
      const rec = await deps.bank.find<ProxyRecord>("proxy", id);
      if (!rec) throw new NotFoundError(`No such proxy: ${id}`);
      const forwarded: Record<string, string> = {};
      for (const h of FORWARDED) if (typeof headers[h] === "string") forwarded[h] = headers[h] as string;
      try {
        return await deps.credentials.requestAs(rec.url, { headers: forwarded, as: { webfinger: `${nickname}@${deps.ourHost}` }, maxBytes: 10 * 1024 * 1024 });
      } catch (err) {
        throw new ProxyFetchError(err);
      }
    },
  };
}
