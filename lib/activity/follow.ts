import { requireActorId, requireObjectId, type VerbInput } from "./verb-context";

/**
 * `follow`: a unique edge actor → object; the local actor's following
 * stream and the local object's followers stream get each other.
 */
export async function applyFollow({ ctx, act, actorNick }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  const objectId = requireObjectId(act);
  if (await ctx.rel.edges.exists(actorId, objectId)) await ctx.rel.edges.create(actorId, objectId);
  const stored = await ctx.objects.ensure(act.object);
  await ctx.rel.edges.create(actorId, stored.id);
  if (actorNick) await ctx.userStream(actorNick, "following").add(stored.id);
  const followedNick = await ctx.localNick(stored.id);
  if (followedNick) await ctx.userStream(followedNick, "followers").add(actorId);
  act.object = stored;
}

/** `stop-following`: the edge must exist; it goes, and so do the stream entries. */
export async function applyStopFollowing({ ctx, act, actorNick }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  const objectId = requireObjectId(act);
  await ctx.rel.edges.delete(actorId, objectId);
  if (actorNick) await ctx.userStream(actorNick, "following").removeIfPresent(objectId);
  const followedNick = await ctx.localNick(objectId);
  if (followedNick) await ctx.userStream(followedNick, "followers").removeIfPresent(actorId);
  act.object = (await ctx.objects.get(objectId)) ?? act.object;
}
