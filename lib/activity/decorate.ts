import { isPlainObject, sameId, stripPrivate, type AS } from "../model/as";
import { countStreams, streamNames } from "../model/stream";
import type { Ctx } from "./context";
import { EmbedGuard } from "./embed";
import { canSeeObject } from "./visibility";

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
  }
  return countStreams(ctx.bank, names);
}

/**
 * Counts every feed an object shows: likes/replies/shares, a local
 * person's followers/following/favorites/lists, a list's or local group's
 * members (and documents). Mutates and returns `obj`. `cache` holds sizes
 * read ahead by prefetchCounts.
 */
export async function addCounts(ctx: Ctx, obj: AS, personCounts = false, cache?: CountCache): Promise<AS> {
  if (typeof obj.id !== "string" || typeof obj.deleted === "string") return obj;
  for (const f of FEEDS) {
    if (!isPlainObject(obj[f])) continue;
    const name = streamNames[f](obj.id);
    setTotal(obj, f, cache?.get(name) ?? (await ctx.stream(name).count()));
  }
  if (obj.objectType === "person" && personCounts) {
    const nick = await ctx.localNick(obj.id);
    if (nick) {
      setTotal(obj, "followers", await ctx.userStream(nick, "followers").count());
      setTotal(obj, "following", await ctx.userStream(nick, "following").count());
      setTotal(obj, "favorites", await ctx.userStream(nick, "favorites").count());
      setTotal(obj, "lists", await ctx.stream(streamNames.userLists(nick, "person")).count());
    }
  }
  if ((obj.objectType === "collection" || obj.objectType === "group") && isPlainObject(obj.members)) {
    setTotal(obj, "members", await ctx.stream(streamNames.members(obj.id)).count());
  }
  if (obj.objectType === "group" && isPlainObject(obj.documents)) {
    setTotal(obj, "documents", await ctx.stream(streamNames.documents(obj.id)).count());
  }
  return obj;
}

async function objectsFor(ctx: Ctx, ids: string[]): Promise<AS[]> {
  const found = await ctx.objects.getMany(ids);
  return ids.filter((id) => found.has(id)).map((id) => stripPrivate(found.get(id)!));
}

/** First `ITEMS` visible replies, newest first, each with `liked` for a viewer. */
async function visibleReplies(ctx: Ctx, parentId: string, viewerId: string | null): Promise<AS[]> {
  const stream = ctx.stream(streamNames.replies(parentId));
  const { ids } = await stream.filteredPage({ count: ITEMS, offset: 0 }, async (batch) => {
    const objs = await ctx.objects.getMany(batch);
    return Promise.all(batch.map((id) => (objs.has(id) ? canSeeObject(ctx, objs.get(id)!, viewerId) : false)));
  });
  const replies = await objectsFor(ctx, ids);
  for (const r of replies) {
    await expandAuthor(ctx, r);
    await addCounts(ctx, r);
    if (viewerId) r.liked = await ctx.rel.favorites.exists(viewerId, r.id);
  }
  return replies;
}

/** Replaces a reference `author` by the stored author (private fields dropped). */
export async function expandAuthor(ctx: Ctx, obj: AS): Promise<void> {
  if (!isPlainObject(obj.author) || typeof obj.author.id !== "string") return;
  const a = await ctx.objects.get(obj.author.id);
  if (a) obj.author = stripPrivate(a);
}

/**
 * Adds the per-viewer decorations to a presented object (counts must be
 * there already): ≤4 likers/replies/sharers, list members, `liked`,
 * `pump_io.shared`, `pump_io.followed`.
 */
export async function decorate(ctx: Ctx, obj: AS, opts: DecorateOptions): Promise<AS> {
  if (typeof obj.id !== "string" || typeof obj.deleted === "string") return obj;
  const { viewerId } = opts;
  if (opts.items) {
    // The original adds likers only to liked objects (api.md §8 "likes.items
    // when liked"): an unliked object has no likes.items at all, not [].
    if (isPlainObject(obj.likes) && obj.likes.totalItems > 0) {
      obj.likes.items = await objectsFor(ctx, await ctx.stream(streamNames.likes(obj.id)).range(0, ITEMS));
    }
    if (isPlainObject(obj.shares)) obj.shares.items = await objectsFor(ctx, await ctx.stream(streamNames.shares(obj.id)).range(0, ITEMS));
    if (isPlainObject(obj.replies)) obj.replies.items = await visibleReplies(ctx, obj.id, viewerId);
    if (obj.objectType === "collection" && isPlainObject(obj.members)) {
      // A list may hold notes as well as persons: members the viewer may not read are stubs.
      const guard = new EmbedGuard(ctx, viewerId);
      const members = await objectsFor(ctx, await ctx.stream(streamNames.members(obj.id)).range(0, ITEMS));
      obj.members.items = await Promise.all(members.map((m) => guard.show(m)));
    }
  }
  if (viewerId && opts.flags) {
    obj.liked = await ctx.rel.favorites.exists(viewerId, obj.id);
    obj.pump_io = { ...(isPlainObject(obj.pump_io) ? obj.pump_io : {}), shared: await ctx.rel.shares.exists(viewerId, obj.id) };
  }
  if (viewerId && opts.followed && isFollowable(obj)) {
    const followed = sameId(viewerId, obj.id) ? false : await ctx.rel.edges.exists(viewerId, obj.id);
    obj.pump_io = { ...(isPlainObject(obj.pump_io) ? obj.pump_io : {}), followed };
  }
  return obj;
}
