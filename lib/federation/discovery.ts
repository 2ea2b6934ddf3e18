import type { Bank } from "../databank";
import { BadRequestError, NotFoundError } from "../errors";
import type { UrlMaker } from "../url-maker";
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
 * `acct:nick@host`, or the http(s) URL of a local user's profile or page.
 * Errors carry the original's messages (api.md §12).
 */
export async function resourceLinks(bank: Bank, urls: UrlMaker, resource: unknown): Promise<JrdLink[]> {
  if (typeof resource !== "string" || resource === "") throw new BadRequestError("No resource parameter");
  const nickname = localNickname(urls, resource);
  const user = await findUser(bank, nickname);
  if (!user) throw new NotFoundError(`No such user: ${resource}`);
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
  ];
}

/** The nickname a resource names on this host; 404 for other hosts or forms. */
function localNickname(urls: UrlMaker, resource: string): string {
  if (/^https?:/i.test(resource)) return nicknameFromUrl(urls, resource);
  const address = resource.replace(/^acct:/i, "");
  const at = address.lastIndexOf("@");
  if (at <= 0) throw new NotFoundError("Unrecognized host");
  const host = address.slice(at + 1);
  if (!host || (host !== urls.hostname && host !== urls.host)) throw new NotFoundError("Unrecognized host");
  return address.slice(0, at);
}

/** `{base}/api/user/<nick>/profile` or `{base}/<nick>` of this server. */
function nicknameFromUrl(urls: UrlMaker, resource: string): string {
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
  if (!m) throw new NotFoundError("Unknown object type");
  return decodeURIComponent(m[1]);
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
