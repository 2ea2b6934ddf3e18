import { BadRequestError } from "../errors";
import { isPlainObject, sameId, type AS } from "../model/as";
import { streamNames } from "../model/stream";
import type { Ctx } from "./context";
import { requireObject, type VerbInput } from "./verb-context";
import { isLocalList } from "./visibility";

/** What `add`/`remove` will do to a target, decided before anything is written. */
export type TargetPlan =
  | { kind: "list"; target: AS }
  | { kind: "group"; target: AS }
  | { kind: "none" };

/**
 * Checks an add/remove against its target (§4): only collections and
 * groups; lists of local users need the actor as author and a matching
 * object type; groups need the actor as member.
 */
export async function planTarget(ctx: Ctx, act: AS, object: AS, verb: "add" | "remove"): Promise<TargetPlan> {
  const t = act.target;
  if (!isPlainObject(t)) throw new BadRequestError(`Can't ${verb} to ${String(act.id)}: no target`);
  const what = verb === "add" ? "add to" : "remove from";
  if (t.objectType !== "collection" && t.objectType !== "group") {
    throw new BadRequestError(`Can't ${what} ${String(t.id)}: don't know how to ${verb} to type '${String(t.objectType)}'`);
  }
  const stored = typeof t.id === "string" ? await ctx.objects.get(t.id) : null;
  if (t.objectType === "collection") {
    if (!stored || !(await isLocalList(ctx, stored))) return { kind: "none" };
    if (!sameId(stored.author.id, act.actor.id)) throw new BadRequestError(`Can't ${what} ${stored.id}: not author.`);
    if (stored.objectTypes[0] !== object.objectType) throw new BadRequestError(`Can't ${what} ${stored.id}: incorrect type.`);
    return { kind: "list", target: stored };
  }
  if (!stored) return { kind: "none" };
  if (!(await ctx.rel.memberships.exists(act.actor.id, stored.id))) {
    throw new BadRequestError("Actor is not a member of the group.");
  }
  return { kind: "group", target: stored };
}

/** `add`: object appended to a list's members or a group's documents. */
export async function applyAdd({ ctx, act }: VerbInput): Promise<void> {
  const object = requireObject(act);
  const plan = await planTarget(ctx, act, object, "add");
  if (plan.kind === "group" && typeof object.id === "string") {
    if (await ctx.stream(streamNames.documents(plan.target.id)).has(object.id)) {
      throw new BadRequestError("Group already contains object.");
    }
  }
  const stored = await ctx.objects.ensure(object);
  act.object = stored;
  await performAdd(ctx, plan, stored);
}

/** The writes of an add, once planned. */
export async function performAdd(ctx: Ctx, plan: TargetPlan, object: AS): Promise<void> {
  if (plan.kind === "list") await ctx.stream(streamNames.members(plan.target.id)).add(object.id);
  else if (plan.kind === "group") await ctx.stream(streamNames.documents(plan.target.id)).add(object.id);
}

/** `remove`: the reverse; the object must be in the stream. */
export async function applyRemove({ ctx, act }: VerbInput): Promise<void> {
  const object = requireObject(act);
  const plan = await planTarget(ctx, act, object, "remove");
  if (plan.kind === "none") return;
  if (typeof object.id !== "string") throw new BadRequestError(`No object ID for activity ${String(act.id)}`);
  const name = plan.kind === "list" ? streamNames.members(plan.target.id) : streamNames.documents(plan.target.id);
  await ctx.stream(name).remove(object.id);
  act.object = (await ctx.objects.get(object.id)) ?? object;
}
