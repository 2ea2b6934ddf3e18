import { ADDRESS_FIELDS, OBJECT_FIELDS, clone, isPlainObject, stripPrivate, type AS } from "../model/as";
import { autoContent } from "./content";
import type { Ctx } from "./context";
import { addCounts, decorate, expandAuthor, prefetchCounts, type DecorateOptions } from "./decorate";
import { EmbedGuard, stubOf } from "./embed";
import { hideBlindAddresses } from "./visibility";

/** Options for presenting objects: decorations plus a local person's feed counts. */
export interface ObjectPresentOptions extends DecorateOptions {
  personCounts?: boolean;
}

/**
 * Replaces `obj.inReplyTo` by what the viewer may see of the stored parent:
 * the parent itself (`expand`) or its stub. Returns true when it was hidden.
 */
async function guardParent(ctx: Ctx, obj: AS, guard: EmbedGuard, expand: boolean): Promise<boolean> {
  if (!isPlainObject(obj.inReplyTo) || typeof obj.inReplyTo.id !== "string") return false;
  const parent = await ctx.objects.get(obj.inReplyTo.id);
  if (!parent) return false;
  if (!(await guard.may(parent))) {
    obj.inReplyTo = stubOf(parent);
    return true;
  }
  if (expand) obj.inReplyTo = stripPrivate(parent);
  return false;
}

/**
 * An object as the API shows it (§8): private fields dropped, `author` and
 * `inReplyTo` expanded, feed counts, then the requested decorations. An
 * object the viewer may not read (lib/activity/embed.ts) is only its stub,
 * and so is a parent they may not read.
 */
export async function presentObject(
  ctx: Ctx,
  stored: AS,
  opts: ObjectPresentOptions,
  cache?: Map<string, number>,
  guard = new EmbedGuard(ctx, opts.viewerId),
): Promise<AS> {
  if (!(await guard.may(stored))) return stubOf(stored);
  const obj = stripPrivate(clone(stored));
  await expandAuthor(ctx, obj);
  await guardParent(ctx, obj, guard, true);
  await addCounts(ctx, obj, opts.personCounts, cache);
  return decorate(ctx, obj, opts);
}

/** Presents many objects (stream items), keeping order. */
export async function presentObjects(ctx: Ctx, stored: AS[], opts: ObjectPresentOptions): Promise<AS[]> {
  const cache = await prefetchCounts(ctx, stored);
  const guard = new EmbedGuard(ctx, opts.viewerId);
  await guard.prime(stored);
  const out: AS[] = [];
  for (const s of stored) out.push(await presentObject(ctx, s, opts, cache, guard));
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
 *
 * Every embedded object (object, target, addresses, the object's
 * inReplyTo; not the actor, who is the activity's author) goes through the
 * viewer's EmbedGuard: what they may not read is a stub. Then the
 * activity's `content` is generated afresh from the stubs, because stored
 * content is usually generated from the object's name ("bob shared
 * <a>Secret plans</a>") and we cannot tell generated text from typed.
 */
export async function presentActivities(ctx: Ctx, acts: AS[], opts: DecorateOptions): Promise<AS[]> {
  const found = await ctx.objects.getMany(referencedIds(acts));
  const guard = new EmbedGuard(ctx, opts.viewerId);
  // The page's own activities are usually their objects' posts: no second read of them.
  await guard.prime([...found.values()], acts);
  const stubs = new WeakSet<AS>();
  const expand = async (ref: AS, guarded: boolean): Promise<AS> => {
    const s = typeof ref.id === "string" ? found.get(ref.id) : undefined;
    if (!s) return ref;
    if (guarded && !(await guard.may(s))) {
      const stub = stubOf(s);
      stubs.add(stub);
      return stub;
    }
    return stripPrivate(clone(s));
  };
  const expanded: AS[] = [];
  const hidden = new WeakSet<AS>();
  for (const stored of acts) {
    const act = stripPrivate(clone(stored));
    for (const f of OBJECT_FIELDS) if (isPlainObject(act[f])) act[f] = await expand(act[f], f !== "actor");
    for (const f of ADDRESS_FIELDS) {
      if (Array.isArray(act[f])) act[f] = await Promise.all(act[f].map((a: AS) => (isPlainObject(a) ? expand(a, true) : a)));
    }
    const object = act.object;
    const parentHidden = isPlainObject(object) && !stubs.has(object) && (await guardParent(ctx, object, guard, false));
    if (parentHidden || stubs.has(object) || stubs.has(act.target)) hidden.add(act);
    expanded.push(act);
  }
  // One read for the likes/replies/shares sizes of every object and target on the page.
  const shown = (a: AS): AS[] => [a.object, a.target].filter((o) => isPlainObject(o) && !stubs.has(o));
  const cache = await prefetchCounts(ctx, expanded.flatMap(shown));
  const out: AS[] = [];
  for (const act of expanded) {
    for (const f of ["object", "target"] as const) {
      if (!isPlainObject(act[f]) || stubs.has(act[f])) continue;
      // A post's object.author is dropped below: no need to read it.
      if (!(f === "object" && act.verb === "post")) await expandAuthor(ctx, act[f]);
      await addCounts(ctx, act[f], false, cache);
      await decorate(ctx, act[f], opts);
    }
    if (act.verb === "post" && isPlainObject(act.object)) delete act.object.author;
    if (hidden.has(act)) act.content = autoContent(act);
    out.push(hideBlindAddresses(act, opts.viewerId));
  }
  return out;
}

export async function presentActivity(ctx: Ctx, act: AS, opts: DecorateOptions): Promise<AS> {
  return (await presentActivities(ctx, [act], opts))[0]!;
}
