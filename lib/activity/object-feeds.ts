import { isPlainObject, sameId, type AS } from "../model/as";
import { parsePageArgs, type RawQuery } from "../model/paging";
import { streamNames } from "../model/stream";
import type { Viewer } from "./context";
import { activityCollection, listsCollection, objectCollection, personCollection, type ReadOptions } from "./collections";
import { activityPage, feedUrl, objectFilter, objectPage, personPage, userName } from "./feeds";
import { assertCanRead, findObject, type ObjectKey } from "./lookup";
import { requireProfile, type Core } from "./pipeline";
import { presentObject } from "./present";
import { isRecipient } from "./visibility";

/** GET /api/user/:nick/favorites: owner unfiltered, others see persons and visible objects. */
export async function favorites(core: Core, nickname: string, query: RawQuery, viewer: Viewer, read: ReadOptions = {}): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  const args = parsePageArgs(query);
  const keep = viewer.nickname === nickname ? undefined : objectFilter(ctx, viewer.personId);
  const page = await objectPage(ctx, ctx.userStream(nickname, "favorites"), args, keep, { viewerId: viewer.personId, items: true, flags: true }, read);
  return objectCollection({
    displayName: `Things that ${userName(profile, nickname)} has favorited`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/favorites`),
    ...page,
    author: await presentObject(ctx, profile, { viewerId: viewer.personId }),
  });
}

/** GET /api/user/:nick/lists/:type: lists whose create activity the viewer may see. */
export async function lists(core: Core, nickname: string, type: string, query: RawQuery, viewer: Viewer, read: ReadOptions = {}): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  const args = parsePageArgs(query);
  const keep = async (ids: string[]): Promise<boolean[]> =>
    Promise.all(
      ids.map(async (id) => {
        const post = await ctx.activities.postActivityOf(id);
        return post ? isRecipient(ctx, post, viewer.personId) : false;
      }),
    );
  const page = await objectPage(ctx, ctx.stream(streamNames.userLists(nickname, type)), args, keep, { viewerId: viewer.personId, items: true }, read);
  return listsCollection({
    displayName: `Collections of ${type}s for ${userName(profile, nickname)}`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/lists/${type}`),
    ...page,
    args,
    author: await presentObject(ctx, profile, { viewerId: viewer.personId }),
  });
}

/** GET /api/collection/:uuid/members: author-or-recipient; owner unfiltered. */
export async function listMembers(core: Core, uuid: string, query: RawQuery, viewer: Viewer, read: ReadOptions = {}): Promise<AS> {
  const { ctx } = core;
  const list = await findObject(ctx, "collection", { uuid });
  await assertCanRead(ctx, list, viewer);
  const args = parsePageArgs(query);
  const owner = viewer.personId !== null && isPlainObject(list.author) && sameId(list.author.id, viewer.personId);
  const keep = owner ? undefined : objectFilter(ctx, viewer.personId);
  const page = await objectPage(ctx, ctx.stream(streamNames.members(list.id)), args, keep, {
    viewerId: viewer.personId,
    items: true,
    flags: true,
    followed: true,
  }, read);
  const author = isPlainObject(list.author) ? await ctx.objects.get(list.author.id) : null;
  const authorName = author ? (author.displayName ?? author.preferredUsername ?? author.id) : "unknown";
  const type = typeof query.type === "string" ? query.type : Array.isArray(list.objectTypes) ? list.objectTypes[0] : undefined;
  return objectCollection({
    displayName: `Members of ${String(list.displayName ?? list.id)} by ${String(authorName)}`,
    url: feedUrl(list, "members", ctx.urls.makeURL(`/api/collection/${uuid}/members`)),
    ...page,
    author: author ? await presentObject(ctx, author, { viewerId: viewer.personId }) : undefined,
    cursors: { type },
  });
}

/** GET /api/:type/:uuid/{likes,replies,shares} (or `?id=`): author-or-recipient. */
export async function objectFeed(
  core: Core,
  type: string,
  key: ObjectKey,
  feed: "likes" | "replies" | "shares",
  query: RawQuery,
  viewer: Viewer,
  read: ReadOptions = {},
): Promise<AS> {
  const { ctx } = core;
  const obj = await findObject(ctx, type, key);
  await assertCanRead(ctx, obj, viewer);
  const args = parsePageArgs(query);
  const url = feedUrl(obj, feed, ctx.urls.makeURL(`/api/${type}/${"uuid" in key ? key.uuid : ""}/${feed}`));
  const stream = ctx.stream(streamNames[feed](obj.id));
  const name = typeof obj.displayName === "string" ? obj.displayName : obj.id;
  if (feed === "likes") {
    const page = await personPage(ctx, stream, { ...args, q: undefined }, { viewerId: viewer.personId, followed: true });
    return personCollection({ displayName: `People who like ${name}`, url, ...page, args });
  }
  if (feed === "shares") {
    const page = await objectPage(ctx, stream, args, undefined, { viewerId: viewer.personId, followed: true });
    return objectCollection({ displayName: `Shares of ${name}`, url, ...page });
  }
  const page = await objectPage(ctx, stream, args, objectFilter(ctx, viewer.personId), { viewerId: viewer.personId, flags: true }, read);
  for (const item of page.items) delete item.inReplyTo;
  return objectCollection({ displayName: `Replies to ${name}`, url, ...page });
}

/** GET /api/group/:uuid/{members,inbox,documents} (or `?id=`): author-or-recipient. */
export async function groupFeed(core: Core, key: ObjectKey, feed: "members" | "inbox" | "documents", query: RawQuery, viewer: Viewer): Promise<AS> {
  const { ctx } = core;
  const group = await findObject(ctx, "group", key);
  await assertCanRead(ctx, group, viewer);
  const args = parsePageArgs(query);
  const name = String(group.displayName ?? group.id);
  if (feed === "members") {
    const url = feedUrl(group, "members", ctx.urls.makeURL(`/api/group/${"uuid" in key ? key.uuid : "members"}/members`));
    const page = await personPage(ctx, ctx.stream(streamNames.members(group.id)), { ...args, q: undefined }, { viewerId: viewer.personId, followed: true });
    return personCollection({ displayName: `Members of ${name}`, url, ...page, args });
  }
  if (feed === "documents") {
    const url = feedUrl(group, "documents", ctx.urls.makeURL(`/api/group/${"uuid" in key ? key.uuid : ""}/documents`));
    const page = await objectPage(ctx, ctx.stream(streamNames.documents(group.id)), args, undefined, { viewerId: viewer.personId, items: true, flags: true });
    return objectCollection({ displayName: `Documents of ${name}`, url, ...page });
  }
  const inboxLink = isPlainObject(group.links) && isPlainObject(group.links["activity-inbox"]) ? group.links["activity-inbox"].href : undefined;
  const url = typeof inboxLink === "string" ? inboxLink : ctx.urls.makeURL(`/api/group/${"uuid" in key ? key.uuid : ""}/inbox`);
  const page = await activityPage(ctx, ctx.stream(streamNames.groupInbox(group.id)), args, undefined, { viewerId: viewer.personId, items: true, flags: true });
  return activityCollection({ displayName: `Activities for ${name}`, url, ...page, args });
}
