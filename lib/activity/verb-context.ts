import { BadRequestError } from "../errors";
import { isPlainObject, refOf, type AS } from "../model/as";
import type { Ctx } from "./context";

/** What a verb's side effect receives: the engine, the activity being processed, the local actor. */
export interface VerbInput {
  ctx: Ctx;
  /** The activity: actor is the full stored actor; object/target as received (validated). */
  act: AS;
  /** Nickname when the actor is a local user, else null. */
  actorNick: string | null;
}

/** A verb's side effects. Checks everything it can before writing anything. */
export type VerbHandler = (input: VerbInput) => Promise<void>;

/** The activity's object, or 400 "Activity has no object". */
export function requireObject(act: AS): AS {
  if (!isPlainObject(act.object)) throw new BadRequestError("Activity has no object");
  return act.object;
}

/** The object's id, or 400 "No object ID for activity X". */
export function requireObjectId(act: AS): string {
  const obj = requireObject(act);
  if (typeof obj.id !== "string") throw new BadRequestError(`No object ID for activity ${String(act.id)}`);
  return obj.id;
}

/** The actor's id, or 400 "No actor ID for activity X". */
export function requireActorId(act: AS): string {
  if (!isPlainObject(act.actor) || typeof act.actor.id !== "string") {
    throw new BadRequestError(`No actor ID for activity ${String(act.id)}`);
  }
  return act.actor.id;
}

/**
 * Stores a new object for a post (author and inReplyTo kept as references,
 * the parent created as a reference if unknown) and returns it.
 */
export async function storeNewObject(ctx: Ctx, obj: AS, authorNick: string | null): Promise<AS> {
  const minted = ctx.objects.mint(obj, authorNick);
  if (isPlainObject(minted.author)) minted.author = refOf(await ctx.objects.ensure(minted.author));
  if (isPlainObject(minted.inReplyTo)) minted.inReplyTo = refOf(await ctx.objects.ensure(minted.inReplyTo));
  // An id we minted (none was given) cannot be taken: no read to check it.
  return ctx.objects.create(minted, typeof obj.id !== "string");
}
