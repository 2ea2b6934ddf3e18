import { ADDRESS_FIELDS, PUBLIC, isPlainObject, sameId, type AS } from "../model/as";
import { looksLikeList } from "../model/vocabulary";
import { streamNames } from "../model/stream";
import type { Ctx } from "./context";

/** Every address of an activity (to, cc, bto, bcc and the hidden `_received`). */
export function addressesOf(act: AS, withReceived = true): AS[] {
  const out: AS[] = [];
  for (const f of ADDRESS_FIELDS) if (Array.isArray(act[f])) out.push(...act[f].filter(isPlainObject));
  if (withReceived && Array.isArray(act._received)) out.push(...act._received.filter(isPlainObject));
  return out;
}

/** True when the activity addresses the public collection. */
export function isPublic(act: AS): boolean {
  return addressesOf(act, false).some((a) => a.id === PUBLIC);
}

/** The id of an actor's followers collection, if we know it. */
export async function followersIdOf(ctx: Ctx, actorId: string): Promise<string | null> {
  const nick = ctx.people.nicknameOf(actorId);
  if (nick) return ctx.people.followersId(nick);
  const actor = await ctx.objects.get(actorId);
  const url = actor && isPlainObject(actor.followers) ? actor.followers.url : undefined;
  return typeof url === "string" ? url : null;
}

/** True for a stored collection that is a list of a local user. */
export async function isLocalList(ctx: Ctx, obj: AS | null): Promise<boolean> {
  if (!obj || !looksLikeList(obj) || !isPlainObject(obj.author)) return false;
  return (await ctx.localNick(obj.author.id)) !== null;
}

/**
 * Is the viewer a recipient of the (stored) activity? In order: public
 * address; no viewer → no; the actor; a person address with the viewer's
 * id; a local user's list containing the viewer; the actor's followers
 * collection when the viewer follows the actor; a group the viewer is in.
 */
export async function isRecipient(ctx: Ctx, act: AS, viewerId: string | null, memo?: RecipientMemo): Promise<boolean> {
  if (isPublic(act)) return true;
  if (!viewerId) return false;
  const actorId = isPlainObject(act.actor) ? act.actor.id : undefined;
  if (sameId(actorId, viewerId)) return true;
  const addrs = addressesOf(act);
  if (addrs.some((a) => sameId(a.id, viewerId))) return true;
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!memo) return read();
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) memo.set(key, (p = read()));
    return p;
  };
  let followersId: string | null | undefined;
  for (const a of addrs) {
    if (typeof a.id !== "string") continue;
    if (a.objectType === "collection") {
      if (typeof actorId === "string") {
        if (followersId === undefined) followersId = await once(`followers ${actorId}`, () => followersIdOf(ctx, actorId));
        if (a.id === followersId && (await once(`follows ${viewerId} ${actorId}`, () => ctx.rel.edges.exists(viewerId, actorId)))) return true;
      }
      const inList = await once(`list ${a.id} ${viewerId}`, async () => {
        const stored = await ctx.objects.get(a.id);
        return Boolean(stored && (await isLocalList(ctx, stored)) && (await ctx.stream(streamNames.members(a.id)).has(viewerId)));
      });
      if (inList) return true;
    } else if (a.objectType === "group") {
      if (await once(`member ${viewerId} ${a.id}`, () => ctx.rel.memberships.exists(viewerId, a.id))) return true;
    }
  }
  return false;
}

/**
 * Answers isRecipient looked up for one viewer while presenting one page
 * (follows, list and group memberships): twenty activities addressed to
 * one actor's followers ask once, not twenty times.
 */
export type RecipientMemo = Map<string, Promise<unknown>>;

/** Why an object can or cannot be read. */
export type ObjectAccess = "author" | "recipient" | "no-post" | "denied";

/**
 * Object read rule (§6): the author may; otherwise recipients of the
 * object's post (or create) activity; no such activity → "no-post".
 */
export async function objectAccess(ctx: Ctx, obj: AS, viewerId: string | null): Promise<ObjectAccess> {
  if (isAuthor(obj, viewerId)) return "author";
  return accessByPost(ctx, await ctx.activities.postActivityOf(obj.id), viewerId);
}

/** True when the viewer wrote the object. */
export function isAuthor(obj: AS, viewerId: string | null): boolean {
  return viewerId !== null && isPlainObject(obj.author) && sameId(obj.author.id, viewerId);
}

/** The object read rule once its post activity (or null) is in hand, for a viewer who is not its author. */
export async function accessByPost(ctx: Ctx, post: AS | null, viewerId: string | null, memo?: RecipientMemo): Promise<ObjectAccess> {
  if (!post) return "no-post";
  return (await isRecipient(ctx, post, viewerId, memo)) ? "recipient" : "denied";
}

/** True when the viewer may see the object in a stream (persons always). */
export async function canSeeObject(ctx: Ctx, obj: AS, viewerId: string | null): Promise<boolean> {
  if (obj.objectType === "person") return true;
  const access = await objectAccess(ctx, obj, viewerId);
  return access === "author" || access === "recipient";
}

/**
 * canSeeObject for a batch (a page being filtered): the post activities
 * of all of them in two batched reads, and the viewer's follows asked once
 * (`memo`). Ids that are not in `objs` are false.
 */
export async function canSeeObjects(ctx: Ctx, ids: string[], objs: Map<string, AS>, viewerId: string | null, memo: RecipientMemo = new Map()): Promise<boolean[]> {
  const needPost = ids.filter((id) => {
    const o = objs.get(id);
    return o && o.objectType !== "person" && !isAuthor(o, viewerId);
  });
  const posts = await ctx.activities.postActivitiesOf(needPost);
  return Promise.all(
    ids.map(async (id) => {
      const o = objs.get(id);
      if (!o) return false;
      if (o.objectType === "person" || isAuthor(o, viewerId)) return true;
      const post = posts.get(id);
      // No post here ("no-post") is not readable in a stream, as canSeeObject says.
      return post ? isRecipient(ctx, post, viewerId, memo) : false;
    }),
  );
}

/** Removes bto/bcc from an activity representation unless the viewer is its actor. */
export function hideBlindAddresses(act: AS, viewerId: string | null): AS {
  const actorId = isPlainObject(act.actor) ? act.actor.id : undefined;
  if (!viewerId || !sameId(actorId, viewerId)) {
    delete act.bto;
    delete act.bcc;
  }
  return act;
}
