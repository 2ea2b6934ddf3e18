import type { Bank } from "../databank";
import { BadRequestError, NotFoundError } from "../errors";
import type { UrlMaker } from "../url-maker";
import { OBJECT_TYPE, isTombstone } from "../model/activity-object";
import { isPlainObject, type AS } from "../model/as";
import { findUser, localProfile } from "../model/user";

/** One link of a host-meta, webfinger or lrdd document. */
export interface JrdLink {
  rel: string;
  href?: string;
  template?: string;
  type?: string;
}

/** The links of /.well-known/host-meta (api.md §12), in the original's order. */
export function hostMetaLinks(urls: UrlMaker): JrdLink[] {
  return [
    { rel: "lrdd", type: "application/xrd+xml", template: `${urls.makeURL("/api/lrdd")}?resource={uri}` },
    { rel: "lrdd", type: "application/json", template: `${urls.makeURL("/.well-known/webfinger")}?resource={uri}` },
    { rel: "registration_endpoint", href: urls.makeURL("/api/client/register") },
    { rel: "http://apinamespace.org/oauth/request_token", href: urls.makeURL("/oauth/request_token") },
    { rel: "http://apinamespace.org/oauth/authorize", href: urls.makeURL("/oauth/authorize") },
    { rel: "http://apinamespace.org/oauth/access_token", href: urls.makeURL("/oauth/access_token") },
    { rel: "dialback", href: urls.makeURL("/api/dialback") },
    { rel: "http://apinamespace.org/activitypub/whoami", href: urls.makeURL("/api/whoami") },
  ];
}

/**
 * Resolves a webfinger/lrdd `resource` to its links: `nick@host`,
 * `acct:nick@host`, the http(s) URL of a local user's profile or page, or
 * the id of a stored object whose path is `/api/<type>/…` (a group, so that
 * peers can find its inbox). Errors carry the original's messages (api.md
 * §12); an empty resource names no host, so it is a 404 as in the original.
 */
export async function resourceLinks(bank: Bank, urls: UrlMaker, resource: unknown): Promise<JrdLink[]> {
  return (await resolveResource(bank, urls, resource)).links;
}

/**
 * `resourceLinks`, and the local user they are of (none for an object):
 * a user's links depend on nothing but the nickname.
 */
export async function resolveResource(bank: Bank, urls: UrlMaker, resource: unknown): Promise<{ links: JrdLink[]; nickname?: string }> {
  if (typeof resource !== "string") throw new BadRequestError("No resource parameter");
  const target = localTarget(urls, resource);
  if (target.kind === "object") return { links: await objectLinks(bank, target.id) };
  const user = await findUser(bank, target.nickname);
  if (!user) throw new NotFoundError(`No such user: ${resource}`);
  return { links: userLinks(user, urls), nickname: user.nickname };
}

function userLinks(user: { nickname: string }, urls: UrlMaker): JrdLink[] {
  const person = localProfile(user, urls);
  return [
    { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: person.url },
    { rel: "dialback", href: urls.makeURL("/api/dialback") },
    { rel: "self", href: person.links.self.href },
    { rel: "activity-inbox", href: person.links["activity-inbox"].href },
    { rel: "activity-outbox", href: person.links["activity-outbox"].href },
    { rel: "followers", href: person.followers.url },
    { rel: "following", href: person.following.url },
    { rel: "favorites", href: person.favorites.url },
    { rel: "lists", href: person.lists.url },
    // ActivityPub peers look for the actor by this type (its id is the profile page); last, after the original's links.
    { rel: "self", type: "application/activity+json", href: person.url },
  ];
}

/** The feeds a non-user object's links name, in the original's order (federation.md §1). */
const OBJECT_FEEDS = ["replies", "likes", "shares", "members", "followers", "following", "favorites", "lists"];

/** A stored object's `links` as rels, then the feeds it has; 404 when unknown or deleted. */
async function objectLinks(bank: Bank, id: string): Promise<JrdLink[]> {
  const obj = await bank.find<AS>(OBJECT_TYPE, id);
  if (!obj || isTombstone(obj)) throw new NotFoundError(`No such object: ${id}`);
  const out: JrdLink[] = [];
  if (isPlainObject(obj.links)) {
    for (const [rel, link] of Object.entries(obj.links)) {
      if (isPlainObject(link) && typeof link.href === "string") out.push({ rel, href: link.href });
    }
  }
  for (const feed of OBJECT_FEEDS) {
    const f = obj[feed];
    if (isPlainObject(f) && typeof f.url === "string") out.push({ rel: feed, href: f.url });
  }
  return out;
}

type LocalTarget = { kind: "user"; nickname: string } | { kind: "object"; id: string };

/** What a resource names on this host; 404 for other hosts or forms. */
function localTarget(urls: UrlMaker, resource: string): LocalTarget {
  if (/^https?:/i.test(resource)) return targetFromUrl(urls, resource);
  const address = resource.replace(/^acct:/i, "");
  const at = address.lastIndexOf("@");
  if (at <= 0) throw new NotFoundError("Unrecognized host");
  const host = address.slice(at + 1);
  if (!host || (host !== urls.hostname && host !== urls.host)) throw new NotFoundError("Unrecognized host");
  return { kind: "user", nickname: address.slice(0, at) };
}

/** `{base}/api/user/<nick>/profile` or `{base}/<nick>` (a user), `{base}/api/<type>/…` (an object). */
function targetFromUrl(urls: UrlMaker, resource: string): LocalTarget {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new NotFoundError("Unrecognized host");
  }
  const base = new URL(urls.base);
  if (url.host !== base.host) throw new NotFoundError("Unrecognized host");
  const path = url.pathname.slice(base.pathname.replace(/\/$/, "").length);
  const m = /^\/api\/user\/([^/]+)\/profile$/.exec(path) ?? /^\/([^/]+)$/.exec(path);
  if (m) return { kind: "user", nickname: decodeURIComponent(m[1]) };
  if (/^\/api\/[^/]+\/./.test(path)) return { kind: "object", id: resource };
  throw new NotFoundError("Unknown object type");
}

/** XRD (XML) rendering of links, for host-meta and lrdd. */
export function xrd(links: JrdLink[], subject?: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const lines = links.map((l) => {
    const attrs = Object.entries(l)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}="${esc(String(v))}"`)
      .join(" ");
    return `  <Link ${attrs}/>`;
  });
  const subj = subject ? `  <Subject>${esc(subject)}</Subject>\n` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n${subj}${lines.join("\n")}\n</XRD>\n`;
}
