import type { Bank } from "../databank";
import type { Ctx } from "../activity/context";
import { isPlainObject, type AS } from "../model/as";
import type { ApIds } from "./ids";
import { refId } from "./from-as2";

/** A remote actor's block of a local person (type apblock): nothing of theirs is delivered to it. */
export interface ApBlock {
  id: string;
  actor: string;
  nickname: string;
  created: string;
}

const blockKey = (actor: string, nick: string) => `${actor} ${nick}`;

/** The remote actors that block local person `nick` (one indexed read per delivered activity). */
export async function blockersOf(bank: Bank, nick: string): Promise<Set<string>> {
  return new Set((await bank.search<ApBlock>("apblock", { nickname: nick })).map((b) => b.actor));
}

/** Removes the follow `from` → `to` (edge and both people's streams), if it is there. */
async function dropFollow(ctx: Ctx, from: string, to: string): Promise<void> {
  if (await ctx.rel.edges.exists(from, to)) await ctx.rel.edges.delete(from, to).catch(() => undefined);
  const fromNick = ctx.people.nicknameOf(from);
  if (fromNick) await ctx.userStream(fromNick, "following").removeIfPresent(to);
  const toNick = ctx.people.nicknameOf(to);
  if (toNick) await ctx.userStream(toNick, "followers").removeIfPresent(from);
}

/** The (follower, followed) of a Reject's object: an embedded Follow, or the id of a follow activity of ours. */
async function rejectedFollow(ctx: Ctx, ids: ApIds, obj: unknown): Promise<{ follower: string; followed: string } | null> {
  if (isPlainObject(obj) && obj.type === "Follow") {
    const follower = refId(obj.actor);
    const followed = refId(obj.object);
    return follower && followed ? { follower: ids.fromAp(follower), followed: ids.fromAp(followed) } : null;
  }
  const id = refId(obj);
  const stored = id ? await ctx.activities.get(id) : null;
  if (!stored || stored.verb !== "follow") return null;
  const follower = refId(stored.actor);
  const followed = refId(stored.object);
  return follower && followed ? { follower, followed } : null;
}

/**
 * What a remote actor's Reject, Block and Undo of a Block do (Mastodon's
 * meaning). Reject of a local person's follow of that actor: the follow is
 * removed (our follows count at once, as pump.io's do; a Reject, before or
 * after an Accept, undoes it). Block of a local person: follows both ways
 * are removed and nothing of that person is delivered to the actor until
 * an Undo. Returns true when the activity was one of these.
 */
export async function receiveRelationship(deps: { ctx: Ctx; ids: ApIds }, body: AS, actor: string): Promise<boolean> {
  const { ctx, ids } = deps;
  const inner = isPlainObject(body.object) ? body.object : null;
  if (body.type === "Reject") {
    const f = await rejectedFollow(ctx, ids, body.object);
    // Only the followed person may reject, and only a follow by one of ours.
    if (f && f.followed === actor && ctx.people.nicknameOf(f.follower)) await dropFollow(ctx, f.follower, actor);
    return true;
  }
  const blocked = body.type === "Block" ? refId(body.object) : body.type === "Undo" && inner?.type === "Block" ? refId(inner.object) : undefined;
  const nick = blocked ? ids.nickOfActor(blocked) : null;
  if (body.type === "Undo" && inner?.type === "Block") {
    if (nick) await ctx.bank.del("apblock", blockKey(actor, nick)).catch(() => undefined);
    return true;
  }
  if (body.type !== "Block") return false;
  if (!nick) return true;
  const person = ctx.people.personId(nick);
  await ctx.bank.save<ApBlock>("apblock", blockKey(actor, nick), { id: blockKey(actor, nick), actor, nickname: nick, created: new Date().toISOString() });
  await dropFollow(ctx, actor, person);
  await dropFollow(ctx, person, actor);
  return true;
}
