import { BadRequestError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import { streamNames } from "../model/stream";
import type { Ctx } from "./context";
import { requireActorId, requireObject, type VerbInput } from "./verb-context";
import { isRecipient } from "./visibility";

async function localGroupAuthor(ctx: Ctx, group: AS): Promise<string | null> {
  return isPlainObject(group.author) ? ctx.localNick(group.author.id) : null;
}

function nameOf(obj: AS): string {
  return typeof obj.displayName === "string" ? obj.displayName : String(obj.id);
}

/**
 * `join` (groups only): a local group's post must address the actor; then
 * a unique membership and, for local groups, the members stream.
 */
export async function applyJoin({ ctx, act }: VerbInput): Promise<void> {
  const object = requireObject(act);
  if (object.objectType !== "group") return;
  const actorId = requireActorId(act);
  const stored = typeof object.id === "string" ? await ctx.objects.get(object.id) : null;
  const local = stored ? await localGroupAuthor(ctx, stored) : null;
  if (stored && local) {
    const post = await ctx.activities.postActivityOf(stored.id);
    if (!post) throw new BadRequestError(`No authorization info for group ${nameOf(stored)}`);
    if (!(await isRecipient(ctx, post, actorId))) {
      throw new BadRequestError(`${nameOf(act.actor)} is not allowed to join group ${nameOf(stored)}`);
    }
  }
  // Refuse a double join before anything is stored (the create below would refuse it too late).
  if (typeof object.id === "string" && (await ctx.rel.memberships.exists(actorId, object.id))) {
    throw new BadRequestError(`Already have a(n) 'membership' with id '${ctx.rel.memberships.key(actorId, object.id)}'`);
  }
  const group = stored ?? (await ctx.objects.ensure(object));
  await ctx.rel.memberships.create(actorId, group.id);
  if (local) await ctx.stream(streamNames.members(group.id)).add(actorId);
  act.object = group;
}

/** `leave` (groups only): the membership must exist; local groups drop the member. */
export async function applyLeave({ ctx, act }: VerbInput): Promise<void> {
  const object = requireObject(act);
  if (object.objectType !== "group") return;
  const actorId = requireActorId(act);
  const groupId = typeof object.id === "string" ? object.id : "";
  await ctx.rel.memberships.delete(actorId, groupId);
  const stored = await ctx.objects.get(groupId);
  if (stored && (await localGroupAuthor(ctx, stored))) {
    await ctx.stream(streamNames.members(groupId)).removeIfPresent(actorId);
  }
  act.object = stored ?? object;
}
