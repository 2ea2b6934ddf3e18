import type { UrlMaker } from "../url-maker";

/** The person object of a local user, as api.md §4 shows it. */
export interface LocalPerson {
  objectType: "person";
  id: string;
  preferredUsername: string;
  displayName: string;
  url: string;
  links: {
    self: { href: string };
    "activity-inbox": { href: string };
    "activity-outbox": { href: string };
  };
  followers: { url: string };
  following: { url: string };
  favorites: { url: string };
  lists: { url: string };
}

/**
 * The id of a local user's person: `acct:nick@host` when the site runs on
 * port 80/443, else its profile URL (api.md §4 note).
 */
export function localPersonId(nickname: string, urls: UrlMaker): string {
  if (urls.port === 80 || urls.port === 443) return `acct:${nickname}@${urls.hostname}`;
  return urls.makeURL(`/api/user/${encodeURIComponent(nickname)}/profile`);
}

/**
 * The person object of a local user, built from nothing but its nickname
 * (pure: no storage). The stored person, with counts and edits, is kept by
 * the profile code; this is its initial shape.
 */
export function localProfile(user: { nickname: string }, urls: UrlMaker): LocalPerson {
  const nick = encodeURIComponent(user.nickname);
  const api = (p: string): string => urls.makeURL(`/api/user/${nick}${p}`);
  return {
    objectType: "person",
    id: localPersonId(user.nickname, urls),
    preferredUsername: user.nickname,
    displayName: user.nickname,
    url: urls.makeURL(`/${nick}`),
    links: {
      self: { href: api("/profile") },
      "activity-inbox": { href: api("/inbox") },
      "activity-outbox": { href: api("/feed") },
    },
    followers: { url: api("/followers") },
    following: { url: api("/following") },
    favorites: { url: api("/favorites") },
    lists: { url: api("/lists/person") },
  };
}
