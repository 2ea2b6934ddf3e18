import { streamNames } from "../model/stream";
import { requireActorId, requireObject, requireObjectId, type VerbInput } from "./verb-context";

/**
 * `favorite` / `like`: a unique favorite record; the actor joins the
 * object's likers; a local actor's favorites stream gets the object.
 * Unknown objects are created.
 */
export async function applyFavorite({ ctx, act, actorNick }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  // Favoriting needs an id: without one the store would mint a new, unreachable object.
  requireObjectId(act);
  const object = requireObject(act);
  if (typeof object.id === "string" && (await ctx.rel.favorites.exists(actorId, object.id))) {
    await ctx.rel.favorites.create(actorId, object.id); // throws the store's "already have" 400
  }
  const stored = await ctx.objects.ensure(object);
  await ctx.rel.favorites.create(actorId, stored.id);
  await ctx.stream(streamNames.likes(stored.id)).add(actorId);
  if (actorNick) await ctx.userStream(actorNick, "favorites").add(stored.id);
  act.object = stored;
}

/** `unfavorite` / `unlike`: the reverse; 400 when not favorited. */
export async function applyUnfavorite({ ctx, act, actorNick }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  const object = requireObject(act);
  const objectId = typeof object.id === "string" ? object.id : "";
  await ctx.rel.favorites.assertExists(actorId, objectId);
  await ctx.rel.favorites.delete(actorId, objectId);
  await ctx.stream(streamNames.likes(objectId)).removeIfPresent(actorId);
  if (actorNick) await ctx.userStream(actorNick, "favorites").removeIfPresent(objectId);
  act.object = (await ctx.objects.get(objectId)) ?? object;
}
