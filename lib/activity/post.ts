import { NoSuchThingError } from "../databank";
import { BadRequestError } from "../errors";
import { clone, isPlainObject, refOf, sameId, stripPrivate, type AS } from "../model/as";
import { isTombstone, trimFeeds } from "../model/activity-object";
import { stamp } from "../model/ids";
import { streamNames } from "../model/stream";
import { looksLikeList } from "../model/vocabulary";
import type { Ctx } from "./context";
import { performAdd, planTarget, type TargetPlan } from "./collection";
import { requireObject, storeNewObject, type VerbInput } from "./verb-context";
import { isLocalList } from "./visibility";

export const LIST_NAME_TYPE = "listname";

function listKey(authorId: string, obj: AS): string {
  return `${authorId} ${obj.objectTypes[0]} ${obj.displayName}`;
}

/**
 * `post` / `create`: the object's author becomes the actor; a new object is
 * stored (ids minted), a stored but never-posted one is accepted from its
 * author (or when it names none), a posted one is refused ("Already posted"). Lists are unique per author, type and
 * name. Then the optional target add and the parent's replies stream.
 */
export async function applyPost({ ctx, act, actorNick }: VerbInput): Promise<void> {
  const obj = requireObject(act);
  obj.author = refOf(act.actor);
  const stored = typeof obj.id === "string" ? await ctx.objects.get(obj.id) : null;
  if (stored && (isTombstone(stored) || (await ctx.activities.postOf(stored.id)))) {
    throw new BadRequestError("Already posted");
  }
  // A stored, never-posted object (an upload, a remote note someone liked)
  // belongs to its author: posting it would publish it under another name.
  if (stored && isPlainObject(stored.author) && !sameId(stored.author.id, act.actor.id)) {
    throw new BadRequestError("Only the author can post this object.");
  }
  const isList = actorNick !== null && !stored && looksLikeList(obj);
  if (isList && (await listExists(ctx, listKey(act.actor.id, obj)))) {
    throw new BadRequestError(`A folder for '${obj.objectTypes[0]}' named '${obj.displayName}' already exists.`);
  }
  let plan: TargetPlan = { kind: "none" };
  if (isPlainObject(act.target)) plan = await planTarget(ctx, act, obj, "add");

  const saved = stored ? await ctx.objects.ensure(obj) : await storeNewObject(ctx, obj, actorNick);
  // An object whose id we just minted has never been posted: no read to check it.
  await ctx.activities.recordPost(saved.id, act.id, !stored && typeof obj.id !== "string");
  if (isList) {
    const key = listKey(act.actor.id, saved);
    await ctx.bank.save(LIST_NAME_TYPE, key, { key, id: saved.id });
    await ctx.stream(streamNames.userLists(actorNick!, saved.objectTypes[0])).add(saved.id);
  }
  if (isPlainObject(saved.inReplyTo)) await ctx.stream(streamNames.replies(saved.inReplyTo.id)).add(saved.id);
  await performAdd(ctx, plan, saved);
  act.object = saved;
}

async function listExists(ctx: Ctx, key: string): Promise<boolean> {
  return (await ctx.bank.find(LIST_NAME_TYPE, key)) !== null;
}

async function requireStored(ctx: Ctx, obj: AS): Promise<AS> {
  const stored = typeof obj.id === "string" ? await ctx.objects.get(obj.id) : null;
  if (!stored || isTombstone(stored)) {
    throw new BadRequestError(`No such '${String(obj.objectType)}' with id '${String(obj.id)}'`);
  }
  return stored;
}

/** Properties an update can never change. */
const FIXED = ["id", "objectType", "published", "author", "inReplyTo", "updated", "deleted"];

/**
 * `update`: the stored object must exist and belong to the actor (or be the
 * actor's own profile); the activity's object is shallow-merged over it.
 */
export async function applyUpdate({ ctx, act }: VerbInput): Promise<void> {
  const obj = requireObject(act);
  const stored = await requireStored(ctx, obj);
  if (isPlainObject(stored.author)) {
    if (!sameId(stored.author.id, act.actor.id)) throw new BadRequestError(`Can't update ${stored.id}: not author.`);
  } else if (!sameId(stored.id, act.actor.id)) {
    throw new BadRequestError(`Can't update ${stored.id}: not you.`);
  }
  const incoming = stripPrivate(clone(obj));
  for (const k of FIXED) delete incoming[k];
  const merged: AS = { ...stored, ...incoming };
  trimFeeds(merged);
  merged.updated = stamp();
  act.object = await ctx.objects.save(merged);
}

/**
 * `delete`: the stored object must be the actor's; it becomes a tombstone,
 * leaves its parent's replies, and a deleted list loses its members and
 * its place in the owner's lists.
 */
export async function applyDelete({ ctx, act }: VerbInput): Promise<void> {
  const obj = requireObject(act);
  const stored = await requireStored(ctx, obj);
  if (!isPlainObject(stored.author) || !sameId(stored.author.id, act.actor.id)) {
    throw new BadRequestError(`Can't delete ${stored.id}: not author.`);
  }
  const wasList = await isLocalList(ctx, stored);
  const dead = await ctx.objects.tombstone(stored);
  if (isPlainObject(stored.inReplyTo)) {
    await ctx.stream(streamNames.replies(stored.inReplyTo.id)).removeIfPresent(stored.id);
  }
  if (wasList) {
    const nick = ctx.people.nicknameOf(stored.author.id)!;
    await ctx.stream(streamNames.members(stored.id)).destroy();
    await ctx.stream(streamNames.userLists(nick, stored.objectTypes[0])).removeIfPresent(stored.id);
    try {
      await ctx.bank.del(LIST_NAME_TYPE, listKey(stored.author.id, stored));
    } catch (err) {
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }
  act.object = dead;
}

