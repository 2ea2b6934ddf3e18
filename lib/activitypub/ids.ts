import type { UrlMaker } from "../url-maker";
import type { LocalPeople } from "../model/local-people";
import { PUBLIC } from "../model/as";

/** The AS2 public collection. */
export const AS2_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/**
 * ActivityPub names of our people and collections. An actor's id is its
 * profile page (`{base}/{nick}`, which answers AS2 by content negotiation)
 * because pump.io person ids may be `acct:` URIs, which ActivityPub peers
 * cannot dereference. Its endpoints live below /api/ap/ (no nickname can
 * shadow them there).
 */
export class ApIds {
  constructor(
    readonly urls: UrlMaker,
    readonly people: LocalPeople,
  ) {}

  actor(nick: string): string {
    return this.urls.makeURL(`/${encodeURIComponent(nick)}`);
  }
  keyId(nick: string): string {
    return `${this.actor(nick)}#main-key`;
  }
  endpoint(nick: string, what: "inbox" | "outbox" | "followers" | "following" | "liked"): string {
    return this.urls.makeURL(`/api/ap/users/${encodeURIComponent(nick)}/${what}`);
  }
  sharedInbox(): string {
    return this.urls.makeURL("/api/ap/inbox");
  }

  /** The nickname an AP actor URL of ours names, or null. */
  nickOfActor(id: unknown): string | null {
    if (typeof id !== "string") return null;
    const prefix = this.urls.makeURL("/");
    if (!id.startsWith(prefix)) return null;
    const rest = id.slice(prefix.length);
    return /^[^/?#]+$/.test(rest) ? decodeURIComponent(rest) : null;
  }

  /** Our (AS1) id as ActivityPub names it: people by actor URL, followers collections, Public. */
  toAp(id: string): string {
    if (id === PUBLIC) return AS2_PUBLIC;
    const nick = this.people.nicknameOf(id);
    if (nick) return this.actor(nick);
    const owner = this.people.followersOwner(id);
    if (owner) return this.endpoint(owner, "followers");
    return id;
  }

  /** An ActivityPub id as our model names it (inverse of toAp). */
  fromAp(id: string): string {
    if (id === AS2_PUBLIC || id === "as:Public" || id === "Public") return PUBLIC;
    const nick = this.nickOfActor(id);
    if (nick) return this.people.personId(nick);
    const m = /\/api\/ap\/users\/([^/]+)\/followers$/.exec(id);
    if (m && id.startsWith(this.urls.makeURL("/api/ap/users/"))) return this.urls.makeURL(`/api/user/${m[1]}/followers`);
    return id;
  }
}
