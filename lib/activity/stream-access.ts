import { HttpError } from "../errors";
import type { AS } from "../model/as";
import { isTypeSegment } from "../model/vocabulary";
import type { Viewer } from "./context";
import { inbox, people, userFeed, type InboxKind, type OutboxKind } from "./feeds";
import { favorites, groupFeed, listMembers, lists, objectFeed } from "./object-feeds";
import type { Core } from "./pipeline";

type Read = (core: Core, viewer: Viewer) => Promise<AS>;

/** An empty page: the read runs every check of the route, and reads no items. */
const NONE = { count: "0" };

function seg(s: string): string {
  return decodeURIComponent(s);
}

/** The API read behind a stream path (below the site's url path), or null for anything else. */
function readFor(path: string): Read | null {
  let m = /^\/api\/user\/([^/]+)\/(feed(?:\/major|\/minor)?)$/.exec(path);
  if (m) return (core, v) => userFeed(core, seg(m![1]!), m![2] as OutboxKind, NONE, v);
  m = /^\/api\/user\/([^/]+)\/(inbox(?:\/direct)?(?:\/major|\/minor)?)$/.exec(path);
  if (m) return (core, v) => inbox(core, seg(m![1]!), m![2] as InboxKind, NONE, v);
  m = /^\/api\/user\/([^/]+)\/(followers|following)$/.exec(path);
  if (m) return (core, v) => people(core, seg(m![1]!), m![2] as "followers" | "following", NONE, v);
  m = /^\/api\/user\/([^/]+)\/favorites$/.exec(path);
  if (m) return (core, v) => favorites(core, seg(m![1]!), NONE, v);
  m = /^\/api\/user\/([^/]+)\/lists\/([^/]+)$/.exec(path);
  if (m) return (core, v) => lists(core, seg(m![1]!), seg(m![2]!), NONE, v);
  m = /^\/api\/collection\/([^/]+)\/members$/.exec(path);
  if (m) return (core, v) => listMembers(core, seg(m![1]!), NONE, v);
  m = /^\/api\/group\/([^/]+)\/(members|inbox|documents)$/.exec(path);
  if (m) return (core, v) => groupFeed(core, { uuid: seg(m![1]!) }, m![2] as "members" | "inbox" | "documents", NONE, v);
  m = /^\/api\/([^/]+)\/([^/]+)\/(likes|replies|shares)$/.exec(path);
  if (m && isTypeSegment(m[1]!)) return (core, v) => objectFeed(core, m![1]!, { uuid: seg(m![2]!) }, m![3] as "likes" | "replies" | "shares", NONE, v);
  return null;
}

/**
 * May `viewer` follow this stream over realtime (issue 8)? Exactly when
 * GET of the same API stream would answer them: the route's own read runs
 * (for an empty page), so inboxes stay their owner's, a list's members
 * its readers', and so on. Unknown paths and malformed escapes are no.
 */
export async function mayFollowStream(core: Core, path: string, viewer: Viewer): Promise<boolean> {
  try {
    decodeURIComponent(path);
  } catch {
    return false; // a bad %-escape
  }
  const read = readFor(path);
  if (!read) return false;
  try {
    await read(core, viewer);
    return true;
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) return false;
    throw err;
  }
}
