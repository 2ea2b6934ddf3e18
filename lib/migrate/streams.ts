import { isPlainObject } from "../model/as";
import { streamNames, type UserStreamKind } from "../model/stream";

/** The original's user stream suffixes and ours. */
const USER_KINDS: Readonly<Record<string, UserStreamKind>> = {
  inbox: "inbox",
  "inbox:major": "inbox/major",
  "inbox:minor": "inbox/minor",
  "inbox:direct": "inbox/direct",
  "inbox:direct:major": "inbox/direct/major",
  "inbox:direct:minor": "inbox/direct/minor",
  outbox: "feed",
  "outbox:major": "feed/major",
  "outbox:minor": "feed/minor",
  followers: "followers",
  following: "following",
  favorites: "favorites",
  uploads: "uploads",
};

/** What an original stream becomes here: our stream name, or the user list. */
export type StreamPlan = { kind: "stream"; name: string } | { kind: "userlist" } | { kind: "unknown" };

/**
 * Our name for one of the original's streams (reference/storage.md §5).
 * `groupIds` maps a group's `_uuid` to its id (the original named group
 * streams by uuid, we name them by id). Object ids inside names may
 * contain ":", so only known prefixes are cut off.
 */
export function planStream(name: string, groupIds: ReadonlyMap<string, string>): StreamPlan {
  if (name === "user:all") return { kind: "userlist" };
  const user = /^user:([^:]+):(.+)$/.exec(name);
  if (user) {
    const [, nick, suffix] = user as unknown as [string, string, string];
    const kind = USER_KINDS[suffix];
    if (kind) return { kind: "stream", name: streamNames.user(nick, kind) };
    const lists = /^lists:(.+)$/.exec(suffix);
    if (lists) return { kind: "stream", name: streamNames.userLists(nick, lists[1]!) };
    return { kind: "unknown" };
  }
  const prefixed: Array<[string, (id: string) => string]> = [
    ["collection:", streamNames.members],
    ["activityobject:replies:", streamNames.replies],
    ["activityobject:shares:", streamNames.shares],
    ["favoriters:", streamNames.likes],
  ];
  for (const [prefix, make] of prefixed) if (name.startsWith(prefix)) return { kind: "stream", name: make(name.slice(prefix.length)) };
  const group = /^group:(.+):(members|inbox|documents)$/.exec(name);
  if (group) {
    const id = groupIds.get(group[1]!);
    if (!id) return { kind: "unknown" };
    const make = { members: streamNames.members, inbox: streamNames.groupInbox, documents: streamNames.documents }[group[2] as "members"];
    return { kind: "stream", name: make(id) };
  }
  return { kind: "unknown" };
}

/**
 * A stream item as we keep it: a bare id. The original stored either a
 * bare id or the JSON text of an `{id, objectType}` reference (key order
 * varies); both give the id.
 */
export function itemId(item: unknown): string | null {
  if (typeof item === "string") {
    if (!item.startsWith("{")) return item;
    try {
      const ref = JSON.parse(item) as unknown;
      return isPlainObject(ref) && typeof ref.id === "string" ? ref.id : null;
    } catch {
      return null;
    }
  }
  return isPlainObject(item) && typeof item.id === "string" ? item.id : null;
}
