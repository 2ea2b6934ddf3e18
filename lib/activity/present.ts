import { ADDRESS_FIELDS, OBJECT_FIELDS, clone, isPlainObject, stripPrivate, type AS } from "../model/as";
import type { Ctx } from "./context";
import { addCounts, decorate, expandAuthor, prefetchCounts, type DecorateOptions } from "./decorate";
import { hideBlindAddresses } from "./visibility";

/** Options for presenting objects: decorations plus a local person's feed counts. */
export interface ObjectPresentOptions extends DecorateOptions {
  personCounts?: boolean;
}

/**
 * An object as the API shows it (§8): private fields dropped, `author` and
 * `inReplyTo` expanded, feed counts, then the requested decorations.
 */
export async function presentObject(ctx: Ctx, stored: AS, opts: ObjectPresentOptions, cache?: Map<string, number>): Promise<AS> {
  const obj = stripPrivate(clone(stored));
  await expandAuthor(ctx, obj);
  if (isPlainObject(obj.inReplyTo) && typeof obj.inReplyTo.id === "string") {
    const parent = await ctx.objects.get(obj.inReplyTo.id);
    if (parent) obj.inReplyTo = stripPrivate(parent);
  }
  await addCounts(ctx, obj, opts.personCounts, cache);
  return decorate(ctx, obj, opts);
}

/** Presents many objects, keeping order. */
export async function presentObjects(ctx: Ctx, stored: AS[], opts: ObjectPresentOptions): Promise<AS[]> {
  const cache = await prefetchCounts(ctx, stored);
  const out: AS[] = [];
  for (const s of stored) out.push(await presentObject(ctx, s, opts, cache));
  return out;
}

/** The referenced ids of stored activities, for one batched read. */
function referencedIds(acts: AS[]): Set<string> {
  const ids = new Set<string>();
  for (const act of acts) {
    for (const f of OBJECT_FIELDS) if (isPlainObject(act[f]) && typeof act[f].id === "string") ids.add(act[f].id);
    for (const f of ADDRESS_FIELDS) {
      if (Array.isArray(act[f])) for (const a of act[f]) if (isPlainObject(a) && typeof a.id === "string") ids.add(a.id);
    }
  }
  return ids;
}

/**
 * Stored activities as the API shows them (§3, §8): every referenced object
 * re-read from the store, the object's feed counts, `object.author` dropped
 * for `post`, bto/bcc hidden from everyone but the actor, then the object's
 * (and target's) decorations.
 */
export async function presentActivities(ctx: Ctx, acts: AS[], opts: DecorateOptions): Promise<AS[]> {
  const found = await ctx.objects.getMany(referencedIds(acts));
  const expand = (ref: AS): AS => {
    const s = typeof ref.id === "string" ? found.get(ref.id) : undefined;
    return s ? stripPrivate(clone(s)) : ref;
  };
  const expanded: AS[] = [];
  for (const stored of acts) {
    const act = stripPrivate(clone(stored));
    for (const f of OBJECT_FIELDS) if (isPlainObject(act[f])) act[f] = expand(act[f]);
    for (const f of ADDRESS_FIELDS) if (Array.isArray(act[f])) act[f] = act[f].map((a: AS) => (isPlainObject(a) ? expand(a) : a));
    expanded.push(act);
  }
  // One read for the likes/replies/shares sizes of every object and target on the page.
  const cache = await prefetchCounts(ctx, expanded.flatMap((a) => [a.object, a.target].filter(isPlainObject)));
  const out: AS[] = [];
  for (const act of expanded) {
    for (const f of ["object", "target"] as const) {
      if (!isPlainObject(act[f])) continue;
      // A post's object.author is dropped below: no need to read it.
      if (!(f === "object" && act.verb === "post")) await expandAuthor(ctx, act[f]);
      await addCounts(ctx, act[f], false, cache);
      await decorate(ctx, act[f], opts);
    }
    if (act.verb === "post" && isPlainObject(act.object)) delete act.object.author;
    out.push(hideBlindAddresses(act, opts.viewerId));
  }
  return out;
}

export async function presentActivity(ctx: Ctx, act: AS, opts: DecorateOptions): Promise<AS> {
  return (await presentActivities(ctx, [act], opts))[0]!;
}
