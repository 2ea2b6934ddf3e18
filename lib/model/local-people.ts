import type { UrlMaker } from "../url-maker";
import { canonicalId } from "./as";

/**
 * Ids and URLs of local users' persons and virtual collections (§10):
 * `acct:<nick>@<hostname>` on port 80/443, else `{base}/api/user/<nick>/profile`.
 */
export class LocalPeople {
  constructor(private readonly urls: UrlMaker) {}

  /** The person id of a local user. */
  personId(nick: string): string {
    if (this.urls.port === 80 || this.urls.port === 443) return `acct:${nick}@${this.urls.hostname}`;
    return this.profileUrl(nick);
  }

  profileUrl(nick: string): string {
    return this.urls.makeURL(`/api/user/${nick}/profile`);
  }

  followersId(nick: string): string {
    return this.urls.makeURL(`/api/user/${nick}/followers`);
  }

  followingId(nick: string): string {
    return this.urls.makeURL(`/api/user/${nick}/following`);
  }

  /** The nickname a local person id (either form) names, or null. */
  nicknameOf(id: unknown): string | null {
    if (typeof id !== "string") return null;
    const c = canonicalId(id);
    const acct = /^acct:([^@]+)@(.+)$/.exec(c);
    if (acct) {
      // On a non-default port, peers name our people `acct:nick@host:port` (the host of their ids).
      const host = acct[2]!.toLowerCase();
      return host === this.urls.hostname.toLowerCase() || host === this.urls.host.toLowerCase() ? acct[1]! : null;
    }
    const prefix = this.urls.makeURL("/api/user/");
    if (c.startsWith(prefix) && c.endsWith("/profile")) {
      const nick = c.slice(prefix.length, -"/profile".length);
      return nick && !nick.includes("/") ? nick : null;
    }
    return null;
  }

  /** The nickname whose followers collection this id is, or null. */
  followersOwner(id: unknown): string | null {
    if (typeof id !== "string") return null;
    const prefix = this.urls.makeURL("/api/user/");
    if (!id.startsWith(prefix) || !id.endsWith("/followers")) return null;
    const nick = id.slice(prefix.length, -"/followers".length);
    return nick && !nick.includes("/") ? nick : null;
  }

  /** True for ids minted by this server (api URLs or our acct: ids). */
  isLocalId(id: unknown): boolean {
    if (typeof id !== "string") return false;
    if (this.nicknameOf(id)) return true;
    return id === this.urls.makeURL("/") || id.startsWith(this.urls.makeURL("/api/"));
  }
}
