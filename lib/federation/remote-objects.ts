import { HttpError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import { scrubObject } from "../activity/scrub";
import type { CredentialStore } from "./credentials";
import type { DialbackPrincipal } from "./dialback";
import { canonicalResource, hostOfResource, type DiscoveryClient } from "./discovery-client";
import type { JrdLink } from "./discovery";
import { JRD_TYPES } from "./jrd";

/**
 * Fetching remote people and objects (federation.md §7): WebFinger on the
 * id, the JRD links merged in, the `self` link read with this server's
 * credentials at that host (2-legged OAuth, re-registering once if
 * refused), and the copy stored with the object store's newer-wins rule.
 */
export interface RemoteObjects {
  /** Fetches `id` from its home server and stores it; returns the stored copy. */
  fetch(id: string, opts?: { as?: DialbackPrincipal }): Promise<AS>;
}

/** The remote answer is not a usable object (not JSON, another id, no type): a 400, and nothing is stored. */
export class InvalidRemoteObjectError extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(400, message, { cause });
  }
}

/** Feeds whose JRD link becomes `obj[rel].url` (the rest go to `obj.links`). */
const FEED_RELS = new Set(["followers", "following", "lists", "favorites", "likes", "replies", "shares", "members"]);

export interface RemoteObjectDeps {
  discovery: DiscoveryClient;
  credentials: CredentialStore;
  /** The object store's `ensure` (newer-wins replacement of cached copies). */
  ensure(obj: AS): Promise<AS>;
  /** True for ids of this server (never fetched: we are their source). */
  isLocal(id: string): boolean;
}

/** Merges discovery links into the object: feeds as `{url}`, others as `links[rel].href`; what it has wins. */
export function mergeLinks(obj: AS, links: JrdLink[]): void {
  for (const l of links) {
    if (typeof l.href !== "string" || !/^https?:\/\//i.test(l.href)) continue;
    if (FEED_RELS.has(l.rel)) {
      const feed = isPlainObject(obj[l.rel]) ? obj[l.rel] : {};
      if (typeof feed.url !== "string") obj[l.rel] = { ...feed, url: l.href };
    } else if (l.rel !== "self" || !isPlainObject(obj.links) || !isPlainObject(obj.links.self)) {
      obj.links = isPlainObject(obj.links) ? obj.links : {};
      if (!isPlainObject(obj.links[l.rel])) obj.links[l.rel] = { href: l.href };
    }
  }
}

export function createRemoteObjects(deps: RemoteObjectDeps): RemoteObjects {
  return {
    async fetch(rawId, opts = {}) {
      const id = canonicalResource(rawId);
      if (!hostOfResource(id)) throw new InvalidRemoteObjectError(`Not a remote id: ${rawId}`);
      if (deps.isLocal(id)) throw new InvalidRemoteObjectError(`${id} is an id of this server`);
      const links = await deps.discovery.webfinger(id);
      const self = links.find((l) => l.rel === "self" && typeof l.href === "string")?.href;
      if (!self) throw new InvalidRemoteObjectError(`${id} has no self link`);
      const res = await deps.credentials.requestAs(self, { headers: { Accept: "application/json" }, as: opts.as });
      if (res.status < 200 || res.status >= 300) throw new InvalidRemoteObjectError(`${self} answered ${res.status}`);
      if (!JRD_TYPES.includes(res.mediaType)) throw new InvalidRemoteObjectError(`${self} is not JSON (${res.mediaType || "no type"})`);
      let obj: unknown;
      try {
        obj = res.json();
      } catch (err) {
        throw new InvalidRemoteObjectError(`${self} is not JSON`, err);
      }
      if (!isPlainObject(obj)) throw new InvalidRemoteObjectError(`${self} is not an object`);
      if (typeof obj.objectType !== "string" || obj.objectType === "") throw new InvalidRemoteObjectError(`${self} has no objectType`);
      // Its server speaks for this id only: a copy claiming another id is refused, never stored under either.
      if (typeof obj.id !== "string" || canonicalResource(obj.id) !== id) throw new InvalidRemoteObjectError(`${self} describes ${JSON.stringify(obj.id)}, not ${id}`);
      scrubObject(obj);
      obj.id = id;
      mergeLinks(obj, links);
      return deps.ensure(obj);
    },
  };
}
