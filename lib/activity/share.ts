import { streamNames } from "../model/stream";
import { requireActorId, requireObject, requireObjectId, type VerbInput } from "./verb-context";

/**
 * `share`: the actor joins the object's sharers; the share record is
 * saved (overwritten, so sharing twice is not an error).
 */
export async function applyShare({ ctx, act }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  const stored = await ctx.objects.ensure(requireObject(act));
  await ctx.stream(streamNames.shares(stored.id)).add(actorId);
  await ctx.rel.shares.save(actorId, stored.id);
  act.object = stored;
}

/** `unshare`: the actor leaves the sharers ("not found in stream" 400 if never shared). */
export async function applyUnshare({ ctx, act }: VerbInput): Promise<void> {
  const actorId = requireActorId(act);
  const objectId = requireObjectId(act);
  await ctx.stream(streamNames.shares(objectId)).remove(actorId);
  if (await ctx.rel.shares.exists(actorId, objectId)) await ctx.rel.shares.delete(actorId, objectId);
  act.object = (await ctx.objects.get(objectId)) ?? act.object;
}
