import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, clone, isPlainObject, sameId, type AS } from "../model/as";
import type { Ctx } from "./context";
import { followersIdOf } from "./visibility";

/**
 * True when the activity names at least one recipient. Empty lists do not
 * count: PyPump sends `"to":[],"cc":[],"bto":[],"bcc":[]` with everything,
 * and the original gives such an activity its default addressing.
 */
export function hasRecipients(act: AS): boolean {
  return ADDRESS_FIELDS.some((f) => Array.isArray(act[f]) && act[f].length > 0);
}

async function followersRef(ctx: Ctx, actor: AS): Promise<AS | null> {
  if (typeof actor.id !== "string") return null;
  const id = await followersIdOf(ctx, actor.id);
  return id ? { objectType: "collection", id } : null;
}

/** The addresses of an object's original post, or null when never posted. */
async function postAddresses(ctx: Ctx, objectId: unknown): Promise<AS | null> {
  if (typeof objectId !== "string") return null;
  const post = await ctx.activities.postActivityOf(objectId);
  if (!post) return null;
  const out: AS = { actor: post.actor };
  for (const f of ADDRESS_FIELDS) if (Array.isArray(post[f])) out[f] = clone(post[f]);
  return out;
}

function copyAddresses(act: AS, from: AS): void {
  for (const f of ADDRESS_FIELDS) if (from[f] !== undefined) act[f] = from[f];
}

/**
 * Default recipients (activities.md §5), applied only when the activity has
 * no recipient in to/cc/bto/bcc (absent and empty lists alike). The first matching rule wins; failures are 400s.
 */
export async function ensureRecipients(ctx: Ctx, act: AS): Promise<void> {
  if (hasRecipients(act)) return;
  const actor: AS = isPlainObject(act.actor) ? act.actor : {};
  const object: AS | null = isPlainObject(act.object) ? act.object : null;
  const target: AS | null = isPlainObject(act.target) ? act.target : null;
  const verb: string = act.verb;

  if ((verb === "delete" || verb === "update") && object && !sameId(object.id, actor.id)) {
    const orig = await postAddresses(ctx, object.id);
    if (!orig) throw new BadRequestError(`No original post for ${String(object.id)}`);
    copyAddresses(act, orig);
    return;
  }
  if (["favorite", "unfavorite", "like", "dislike"].includes(verb)) {
    const orig = object ? await postAddresses(ctx, object.id) : null;
    if (orig) copyAddresses(act, orig);
    else {
      const f = await followersRef(ctx, actor);
      act.cc = f ? [f] : [];
    }
    return;
  }
  if (object && object.objectType === "person" && !sameId(object.id, actor.id)) {
    act.to = [object];
    const f = await followersRef(ctx, actor);
    if (f) act.cc = [f];
    return;
  }
  if (object && object.objectType === "group" && verb !== "create") {
    act.to = [object];
    const f = await followersRef(ctx, actor);
    if (f) act.cc = [f];
    return;
  }
  if (target && target.objectType === "group" && ["add", "remove", "post"].includes(verb)) {
    act.to = [target];
    return;
  }
  if (object && isPlainObject(object.inReplyTo)) {
    const orig = await postAddresses(ctx, object.inReplyTo.id);
    if (!orig) throw new BadRequestError(`No original post for ${String(object.inReplyTo.id)}`);
    for (const f of ADDRESS_FIELDS) {
      if (Array.isArray(orig[f])) act[f] = orig[f].filter((a: AS) => !sameId(a.id, actor.id));
    }
    act.to = [...(Array.isArray(act.to) ? act.to : []), orig.actor];
    return;
  }
  if (actor.objectType === "person") {
    const f = await followersRef(ctx, actor);
    if (f) {
      act.cc = [f];
      return;
    }
  }
  throw new BadRequestError("Can't ensure recipients.");
}
