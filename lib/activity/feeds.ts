import { UnauthorizedError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import { pageList, parsePageArgs, type PageArgs, type RawQuery } from "../model/paging";
import { streamNames, type Stream, type UserStreamKind } from "../model/stream";
import type { Ctx, Viewer } from "./context";
import { activityCollection, personCollection, readPage, type Keep, type ReadOptions } from "./collections";
import type { DecorateOptions } from "./decorate";
import { requireProfile, type Core } from "./pipeline";
import { presentActivities, presentObject, presentObjects } from "./present";
import { canSeeObjects, isPublic, isRecipient, type RecipientMemo } from "./visibility";

export type OutboxKind = "feed" | "feed/major" | "feed/minor";
export type InboxKind = "inbox" | "inbox/major" | "inbox/minor" | "inbox/direct" | "inbox/direct/major" | "inbox/direct/minor";

const OUTBOX_NAMES: Record<OutboxKind, string> = {
  feed: "Activities by",
  "feed/major": "Major activities by",
  "feed/minor": "Minor activities by",
};
const INBOX_NAMES: Record<InboxKind, string> = {
  inbox: "Activities for",
  "inbox/major": "Major activities for",
  "inbox/minor": "Minor activities for",
  "inbox/direct": "Activities directly for",
  "inbox/direct/major": "Major activities directly for",
  "inbox/direct/minor": "Minor activities directly for",
};
const MAJOR_KINDS = new Set(["feed/major", "inbox/major", "inbox/direct/major"]);

/** The name a user goes by in collection titles: profile displayName, else nickname. */
export function userName(profile: AS, nickname: string): string {
  return typeof profile.displayName === "string" && profile.displayName !== "" ? profile.displayName : nickname;
}

/**
 * Activity-stream filter: only what the viewer is a recipient of. The
 * activities it lets through are left in `kept`, so the page that shows
 * them does not read them a second time.
 */
export function recipientFilter(ctx: Ctx, viewerId: string | null, kept?: Map<string, AS>): Keep {
  if (viewerId === null) return publicFilter(ctx, kept);
  const memo: RecipientMemo = new Map();
  return async (ids) => {
    const acts = await ctx.activities.getMany(ids);
    const flags = await Promise.all(ids.map((id) => (acts.has(id) ? isRecipient(ctx, acts.get(id)!, viewerId, memo) : false)));
    if (kept) ids.forEach((id, i) => flags[i] && kept.set(id, acts.get(id)!));
    return flags;
  };
}

/**
 * recipientFilter for nobody: public activities only. Activities whose
 * verdict is known (ctx.publicVerdicts) are not read again.
 */
function publicFilter(ctx: Ctx, kept?: Map<string, AS>, checked?: number, onMissing?: () => void): Keep {
  const known = ctx.publicVerdicts;
  let generation: Promise<number> | null = checked === undefined ? null : Promise.resolve(checked);
  return async (ids) => {
    const gen = await (generation ??= known.check());
    // One verdict lookup per id: a page under many hidden items passes hundreds.
    const flags = new Array<boolean>(ids.length);
    const unknown: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const verdict = known.get(ids[i]!);
      if (verdict === undefined) unknown.push(i);
      else flags[i] = verdict;
    }
    if (unknown.length === 0) return flags;
    const acts = await ctx.activities.getMany(unknown.map((i) => ids[i]!));
    for (const i of unknown) {
      const id = ids[i]!;
      const act = acts.get(id);
      const pub = act ? isPublic(act) : false;
      if (act) known.set(id, pub, gen);
      else onMissing?.();
      if (pub) kept?.set(id, act!);
      flags[i] = pub;
    }
    return flags;
  };
}

/** Object-stream filter: persons always, other objects when their post is visible. */
export function objectFilter(ctx: Ctx, viewerId: string | null): Keep {
  const memo: RecipientMemo = new Map();
  return async (ids) => canSeeObjects(ctx, ids, await ctx.objects.getMany(ids), viewerId, memo);
}

/** A page of activities from a stream, presented for the viewer. */
export async function activityPage(
  ctx: Ctx,
  stream: Stream,
  args: PageArgs,
  keep: Keep | undefined,
  opts: DecorateOptions,
  read: ReadOptions = {},
  known?: Map<string, AS>,
): Promise<{ items: AS[]; total: number }> {
  const page = await readPage(stream, args, keep, read);
  // Activities the filter already read (`known`) are not read again.
  const found = await ctx.activities.getMany(known ? page.ids.filter((id) => !known.has(id)) : page.ids);
  const acts = page.ids.map((id) => known?.get(id) ?? found.get(id)).filter((a): a is AS => a !== undefined);
  return { items: await presentActivities(ctx, acts, opts), total: page.total };
}

/**
 * activityPage for an anonymous reader (public activities only), with the
 * page's ids remembered under the stream's version and the activities'
 * generation (public-pages.ts): a page under many hidden items is not
 * scanned again while neither moved.
 */
export async function publicActivityPage(ctx: Ctx, stream: Stream, args: PageArgs, opts: DecorateOptions): Promise<{ items: AS[]; total: number }> {
  const verdicts = ctx.publicVerdicts;
  const gen = await verdicts.check();
  const { count, version } = await stream.stat();
  const key = `${stream.name}\n${args.count}\n${args.offset ?? ""}\n${args.before ?? ""}\n${args.since ?? ""}`;
  const kept = new Map<string, AS>();
  let page = verdicts.pages.get(key, version, gen, count);
  if (!page) {
    let complete = true;
    page = await stream.filteredPage(args, publicFilter(ctx, kept, gen, () => (complete = false)), count);
    if (complete) verdicts.pages.set(key, version, gen, page);
  }
  const found = await ctx.activities.getMany(page.ids.filter((id) => !kept.has(id)));
  const acts = page.ids.map((id) => kept.get(id) ?? found.get(id)).filter((a): a is AS => a !== undefined);
  if (acts.length < page.ids.length) {
    // An activity record went away under an unchanged stream and generation:
    // forget what was known of it and scan afresh, as a fresh worker would.
    for (const id of page.ids) if (!kept.has(id) && !found.has(id)) verdicts.forget(id);
    verdicts.pages.forget(key);
    return publicActivityPage(ctx, stream, args, opts);
  }
  return { items: await presentActivities(ctx, acts, opts), total: page.total };
}

/** A page of objects from a stream, presented for the viewer. */
export async function objectPage(
  ctx: Ctx,
  stream: Stream,
  args: PageArgs,
  keep: Keep | undefined,
  opts: DecorateOptions,
  read: ReadOptions = {},
): Promise<{ items: AS[]; total: number }> {
  const page = await readPage(stream, args, keep, read);
  const found = await ctx.objects.getMany(page.ids);
  const objs = page.ids.filter((id) => found.has(id)).map((id) => found.get(id)!);
  return { items: await presentObjects(ctx, objs, opts), total: page.total };
}

function decorationsFor(kind: string, viewer: Viewer): DecorateOptions {
  const major = MAJOR_KINDS.has(kind);
  return { viewerId: viewer.personId, items: major, flags: major };
}

/** GET /api/user/:nick/feed[/major|/minor]: everything for the owner, else what the viewer may see. */
export async function userFeed(core: Core, nickname: string, kind: OutboxKind, query: RawQuery, viewer: Viewer, read: ReadOptions = {}): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  const args = parsePageArgs(query);
  const stream = ctx.userStream(nickname, kind);
  const opts = decorationsFor(kind, viewer);
  let page: { items: AS[]; total: number };
  if (viewer.personId === null && viewer.nickname !== nickname && !read.visibleTotal) {
    page = await publicActivityPage(ctx, stream, args, opts);
  } else {
    // Not when counting what is visible: that scans the whole stream.
    const kept = read.visibleTotal ? undefined : new Map<string, AS>();
    const keep = viewer.nickname === nickname ? undefined : recipientFilter(ctx, viewer.personId, kept);
    page = await activityPage(ctx, stream, args, keep, opts, read, kept);
  }
  return activityCollection({
    displayName: `${OUTBOX_NAMES[kind]} ${userName(profile, nickname)}`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/${kind}`),
    ...page,
    args,
    author: await presentObject(ctx, profile, { viewerId: viewer.personId }),
  });
}

/** GET /api/user/:nick/inbox[...]: the owner only (401 "Not authorized" otherwise). */
export async function inbox(core: Core, nickname: string, kind: InboxKind, query: RawQuery, viewer: Viewer): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  if (viewer.nickname !== nickname) throw new UnauthorizedError("Not authorized");
  const args = parsePageArgs(query);
  const page = await activityPage(ctx, ctx.userStream(nickname, kind), args, undefined, decorationsFor(kind, viewer));
  return activityCollection({
    displayName: `${INBOX_NAMES[kind]} ${userName(profile, nickname)}`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/${kind}`),
    ...page,
    args,
    author: await presentObject(ctx, profile, { viewerId: viewer.personId }),
  });
}

/** Pages a person stream, with `q` (displayName substring, case-insensitive) when given. */
export async function personPage(ctx: Ctx, stream: Stream, args: PageArgs, opts: DecorateOptions): Promise<{ items: AS[]; total: number }> {
  if (args.q === undefined) return objectPage(ctx, stream, args, undefined, opts);
  const all = await stream.all();
  const found = await ctx.objects.getMany(all);
  const needle = args.q.toLowerCase();
  const matching = all.filter((id) => {
    const name = found.get(id)?.displayName;
    return typeof name === "string" && name.toLowerCase().includes(needle);
  });
  const page = pageList(matching, args, stream.name);
  const items = await presentObjects(ctx, page.ids.map((id) => found.get(id)!), opts);
  return { items, total: page.total };
}

/** GET /api/user/:nick/followers and /following (not filtered; `q` search; `pump_io.followed`). */
export async function people(core: Core, nickname: string, which: "followers" | "following", query: RawQuery, viewer: Viewer): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  const args = parsePageArgs(query);
  const kind: UserStreamKind = which;
  const page = await personPage(ctx, ctx.userStream(nickname, kind), args, { viewerId: viewer.personId, followed: true });
  return personCollection({
    displayName: `${which === "followers" ? "Followers" : "Following"} for ${userName(profile, nickname)}`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/${which}`),
    ...page,
    args,
    author: await presentObject(ctx, profile, { viewerId: viewer.personId }),
  });
}

/** A stream owner's collection url from an object's feed property, else a fallback. */
export function feedUrl(obj: AS, prop: string, fallback: string): string {
  const v = obj[prop];
  return isPlainObject(v) && typeof v.url === "string" ? v.url : fallback;
}
