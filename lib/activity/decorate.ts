import { isPlainObject, sameId, stripPrivate, type AS } from "../model/as";
import { countStreams, streamNames } from "../model/stream";
import type { Ctx } from "./context";
import { EmbedGuard } from "./embed";
import { canSeeObjects } from "./visibility";

/** How much per-viewer decoration an object gets (api.md §6 finishers, §8). */
export interface DecorateOptions {
  viewerId: string | null;
  /** likes.items (liked objects only), replies.items, shares.items (≤4 each); list members.items */
  items?: boolean;
  /** `liked` and `pump_io.shared` (only with a viewer) */
  flags?: boolean;
  /** `pump_io.followed` on followable objects (only with a viewer) */
  followed?: boolean;
}

const FEEDS = ["likes", "replies", "shares"] as const;
const ITEMS = 4;

function setTotal(obj: AS, prop: string, total: number): void {
  obj[prop] = { ...(isPlainObject(obj[prop]) ? obj[prop] : {}), totalItems: total };
}

/** Followable: persons, or anything with an activity outbox. */
export function isFollowable(obj: AS): boolean {
  return obj.objectType === "person" || (isPlainObject(obj.links) && isPlainObject(obj.links["activity-outbox"]));
}

/** Stream sizes read ahead for a batch of objects (see prefetchCounts). */
export type CountCache = Map<string, number>;

/** Reads the likes/replies/shares sizes of many objects at once, for addCounts. */
export function prefetchCounts(ctx: Ctx, objs: AS[]): Promise<CountCache> {
  const names: string[] = [];
  for (const obj of objs) {
    if (typeof obj.id !== "string" || typeof obj.deleted === "string") continue;
    for (const f of FEEDS) if (isPlainObject(obj[f])) names.push(streamNames[f](obj.id));
    // Lists and groups on a page (the create activities of lists) count their members too.
    if ((obj.objectType === "collection" || obj.objectType === "group") && isPlainObject(obj.members)) names.push(streamNames.members(obj.id));
    if (obj.objectType === "group" && isPlainObject(obj.documents)) names.push(streamNames.documents(obj.id));
  }
  return countStreams(ctx.bank, names);
}

/**
 * What presenting a page of objects needs, read ahead in a few batched
 * queries instead of per item: feed sizes, stored authors, and the
 * viewer's flags (liked, shared, followed). Every field is optional; what
 * is missing is read per object as before.
 */
export interface PagePrefetch {
  counts?: CountCache;
  /** Stored authors by id (private fields dropped). */
  authors?: Map<string, AS>;
  liked?: Set<string>;
  shared?: Set<string>;
  followed?: Set<string>;
}

/** The stored authors of objects in one read (private fields dropped), for expandAuthor. */
export async function prefetchAuthors(ctx: Ctx, objs: AS[]): Promise<Map<string, AS>> {
  const ids = objs.map((o) => (isPlainObject(o.author) ? o.author.id : undefined)).filter((a): a is string => typeof a === "string");
  const out = new Map<string, AS>();
  if (ids.length === 0) return out;
  for (const [id, a] of await ctx.objects.getMany(ids)) out.set(id, stripPrivate(a));
  return out;
}

/** Reads ahead, for `objs`, what addCounts/expandAuthor/decorate will ask under `opts`. */
export async function prefetchPage(ctx: Ctx, objs: AS[], opts: DecorateOptions, withAuthors = true): Promise<PagePrefetch> {
  const live = objs.filter((o) => typeof o.id === "string" && typeof o.deleted !== "string");
  const ids = live.map((o) => o.id as string);
  const { viewerId } = opts;
  const flags = Boolean(viewerId && opts.flags);
  const follow = viewerId && opts.followed ? live.filter((o) => isFollowable(o) && !sameId(viewerId, o.id)).map((o) => o.id as string) : [];
  const [counts, authors, liked, shared, followed] = await Promise.all([
    prefetchCounts(ctx, live),
    withAuthors ? prefetchAuthors(ctx, objs) : undefined,
    flags ? ctx.rel.favorites.which(viewerId!, ids) : undefined,
    flags ? ctx.rel.shares.which(viewerId!, ids) : undefined,
    follow.length ? ctx.rel.edges.which(viewerId!, follow) : undefined,
  ]);
  const out: PagePrefetch = { counts, authors, liked, shared };
  if (viewerId && opts.followed) out.followed = followed ?? new Set();
  return out;
}

/**
 * Counts every feed an object shows: likes/replies/shares, a local
 * person's followers/following/favorites/lists, a list's or local group's
 * members (and documents). Mutates and returns `obj`. `cache` holds sizes
 * read ahead by prefetchCounts.
 */
export function addCounts(ctx: Ctx, obj: AS, personCounts = false, cache?: CountCache, localNick?: string): Promise<AS> | AS {
  if (typeof obj.id !== "string" || typeof obj.deleted === "string") return obj;
  // A page's objects: every size read ahead, nothing to wait for (no promise per object).
  if (cache && !personCounts && obj.objectType !== "collection" && obj.objectType !== "group") {
    let all = true;
    const names: [string, string][] = [];
    for (const f of FEEDS) {
      if (!isPlainObject(obj[f])) continue;
      const name = streamNames[f](obj.id);
      if (!cache.has(name)) all = false;
      names.push([f, name]);
    }
    if (all) {
      for (const [prop, name] of names) setTotal(obj, prop, cache.get(name)!);
      return obj;
    }
  }
  return countsRead(ctx, obj, personCounts, cache, localNick);
}

/** `localNick`: the person's nickname when the caller holds its stored record (no second read). */
async function countsRead(ctx: Ctx, obj: AS, personCounts: boolean, cache?: CountCache, localNick?: string): Promise<AS> {
  // prop → stream name; the sizes not read ahead are read in one batch.
  const wanted: [string, string][] = [];
  for (const f of FEEDS) if (isPlainObject(obj[f])) wanted.push([f, streamNames[f](obj.id)]);
  if (obj.objectType === "person" && personCounts) {
    const nick = localNick ?? (await ctx.localNick(obj.id));
    if (nick) {
      wanted.push(["followers", streamNames.user(nick, "followers")], ["following", streamNames.user(nick, "following")]);
      wanted.push(["favorites", streamNames.user(nick, "favorites")], ["lists", streamNames.userLists(nick, "person")]);
    }
  }
  if ((obj.objectType === "collection" || obj.objectType === "group") && isPlainObject(obj.members)) {
    wanted.push(["members", streamNames.members(obj.id)]);
  }
  if (obj.objectType === "group" && isPlainObject(obj.documents)) wanted.push(["documents", streamNames.documents(obj.id)]);
  const missing = wanted.filter(([, name]) => !cache?.has(name)).map(([, name]) => name);
  const read = missing.length ? await countStreams(ctx.bank, missing) : undefined;
  for (const [prop, name] of wanted) setTotal(obj, prop, cache?.get(name) ?? read?.get(name) ?? 0);
  return obj;
}

function countOf(feed: AS): number | undefined {
  return typeof feed.totalItems === "number" ? feed.totalItems : undefined;
}

async function objectsFor(ctx: Ctx, ids: string[]): Promise<AS[]> {
  const found = await ctx.objects.getMany(ids);
  return ids.filter((id) => found.has(id)).map((id) => stripPrivate(found.get(id)!));
}

/** First `ITEMS` visible replies, newest first, each with `liked` for a viewer. `total`: the count addCounts read. */
async function visibleReplies(ctx: Ctx, parentId: string, viewerId: string | null, total?: number): Promise<AS[]> {
  const stream = ctx.stream(streamNames.replies(parentId));
  const { ids } = await stream.filteredPage(
    { count: ITEMS, offset: 0 },
    async (batch) => canSeeObjects(ctx, batch, await ctx.objects.getMany(batch), viewerId),
    total,
  );
  const replies = await objectsFor(ctx, ids);
  // Authors, counts and `liked` of the replies in one batch, not per reply.
  const pre = await prefetchPage(ctx, replies, { viewerId, flags: true });
  for (const r of replies) {
    expandAuthor(ctx, r, pre.authors);
    await addCounts(ctx, r, false, pre.counts);
    if (viewerId) r.liked = pre.liked!.has(r.id);
  }
  return replies;
}

/**
 * Replaces a reference `author` by the stored author (private fields
 * dropped). With `authors` (read ahead by prefetchPage) it reads nothing
 * and answers synchronously.
 */
export function expandAuthor(ctx: Ctx, obj: AS, authors?: Map<string, AS>): Promise<void> | void {
  if (!isPlainObject(obj.author) || typeof obj.author.id !== "string") return;
  if (authors) {
    const a = authors.get(obj.author.id);
    if (a) obj.author = { ...a };
    return;
  }
  return ctx.objects.get(obj.author.id).then((a) => {
    if (a) obj.author = stripPrivate(a);
  });
}

/**
 * Adds the per-viewer decorations to a presented object (counts must be
 * there already): ≤4 likers/replies/sharers, list members, `liked`,
 * `pump_io.shared`, `pump_io.followed`.
 */
export async function decorate(ctx: Ctx, obj: AS, opts: DecorateOptions, pre: PagePrefetch = {}): Promise<AS> {
  if (typeof obj.id !== "string" || typeof obj.deleted === "string") return obj;
  const { viewerId } = opts;
  if (opts.items) {
    // The original adds likers only to liked objects (api.md §8 "likes.items
    // when liked"): an unliked object has no likes.items at all, not [].
    if (isPlainObject(obj.likes) && obj.likes.totalItems > 0) {
      obj.likes.items = await objectsFor(ctx, await ctx.stream(streamNames.likes(obj.id)).range(0, ITEMS, countOf(obj.likes)));
    }
    // The sizes addCounts has just read: not read again (a new note's empty feeds cost no read at all).
    if (isPlainObject(obj.shares)) obj.shares.items = await objectsFor(ctx, await ctx.stream(streamNames.shares(obj.id)).range(0, ITEMS, countOf(obj.shares)));
    if (isPlainObject(obj.replies)) obj.replies.items = await visibleReplies(ctx, obj.id, viewerId, countOf(obj.replies));
    if (obj.objectType === "collection" && isPlainObject(obj.members)) {
      // A list may hold notes as well as persons: members the viewer may not read are stubs.
      const guard = new EmbedGuard(ctx, viewerId);
      const members = await objectsFor(ctx, await ctx.stream(streamNames.members(obj.id)).range(0, ITEMS));
      obj.members.items = await Promise.all(members.map((m) => guard.show(m)));
    }
  }
  if (viewerId && opts.flags) {
    obj.liked = pre.liked ? pre.liked.has(obj.id) : await ctx.rel.favorites.exists(viewerId, obj.id);
    const shared = pre.shared ? pre.shared.has(obj.id) : await ctx.rel.shares.exists(viewerId, obj.id);
    obj.pump_io = { ...(isPlainObject(obj.pump_io) ? obj.pump_io : {}), shared };
  }
  if (viewerId && opts.followed && isFollowable(obj)) {
    const followed = sameId(viewerId, obj.id) ? false : pre.followed ? pre.followed.has(obj.id) : await ctx.rel.edges.exists(viewerId, obj.id);
    obj.pump_io = { ...(isPlainObject(obj.pump_io) ? obj.pump_io : {}), followed };
  }
  return obj;
}
