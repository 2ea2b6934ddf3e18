import { ADDRESS_FIELDS, OBJECT_FIELDS, isPlainObject, stripPrivate, type AS } from "../model/as";
import { cleanOnRead } from "../model/html";
import { autoContent } from "./content";
import type { Ctx } from "./context";
import { addCounts, decorate, expandAuthor, prefetchAuthors, prefetchPage, type DecorateOptions, type PagePrefetch } from "./decorate";
import { EmbedGuard, stubOf } from "./embed";
import { hideBlindAddresses } from "./visibility";

/** Options for presenting objects: decorations plus a local person's feed counts. */
export interface ObjectPresentOptions extends DecorateOptions {
  personCounts?: boolean;
}

/**
 * Replaces `obj.inReplyTo` by what the viewer may see of the stored parent:
 * the parent itself (`expand`) or its stub. Returns true when it was hidden.
 * `parents` holds parents read ahead for a page (no read per item).
 */
async function guardParent(ctx: Ctx, obj: AS, guard: EmbedGuard, expand: boolean, parents?: Map<string, AS>): Promise<boolean> {
  if (!isPlainObject(obj.inReplyTo) || typeof obj.inReplyTo.id !== "string") return false;
  const parent = parents ? parents.get(obj.inReplyTo.id) : await ctx.objects.get(obj.inReplyTo.id);
  if (!parent) return false;
  if (!(await guard.may(parent))) {
    obj.inReplyTo = stubOf(parent);
    return true;
  }
  if (expand) obj.inReplyTo = stripPrivate(parent);
  return false;
}

/** The stored parents (inReplyTo) of objects, in one read; `known` are not read again. */
async function parentsOf(ctx: Ctx, objs: Iterable<AS>, known: Map<string, AS> = new Map()): Promise<Map<string, AS>> {
  const ids = new Set<string>();
  for (const o of objs) if (isPlainObject(o.inReplyTo) && typeof o.inReplyTo.id === "string") ids.add(o.inReplyTo.id);
  const out = new Map<string, AS>();
  const missing = [...ids].filter((id) => !known.has(id));
  const read = await ctx.objects.getMany(missing);
  for (const id of ids) {
    const p = known.get(id) ?? read.get(id);
    if (p) out.set(id, p);
  }
  return out;
}

/**
 * An object as the API shows it (§8): private fields dropped, `author` and
 * `inReplyTo` expanded, feed counts, then the requested decorations. An
 * object the viewer may not read (lib/activity/embed.ts) is only its stub,
 * and so is a parent they may not read.
 *
 * Stored objects come fresh from every read (each driver decodes anew), so
 * the presented object is a shallow copy: presenting only replaces
 * top-level fields (and the fresh feed objects setTotal makes), never
 * mutates what it shares with the stored one.
 */
export async function presentObject(
  ctx: Ctx,
  stored: AS,
  opts: ObjectPresentOptions,
  pre?: PagePrefetch & { parents?: Map<string, AS> },
  guard = new EmbedGuard(ctx, opts.viewerId),
): Promise<AS> {
  if (!(await guard.may(stored))) return stubOf(stored);
  const obj = stripPrivate(stored);
  await expandAuthor(ctx, obj, pre?.authors);
  await guardParent(ctx, obj, guard, true, pre?.parents);
  await addCounts(ctx, obj, opts.personCounts, pre?.counts, storedLocalNick(ctx, stored));
  return decorate(ctx, obj, opts, pre);
}

/**
 * The nickname of a local user when `stored` is that user's stored person
 * record (what ctx.localNick would read again), else undefined.
 */
function storedLocalNick(ctx: Ctx, stored: AS): string | undefined {
  if (stored.objectType !== "person" || typeof stored._nickname !== "string") return undefined;
  const nick = ctx.people.nicknameOf(stored.id);
  return nick === stored._nickname ? nick : undefined;
}

/** Presents many objects (stream items), keeping order: authors, parents, counts and flags in batched reads. */
export async function presentObjects(ctx: Ctx, stored: AS[], opts: ObjectPresentOptions): Promise<AS[]> {
  const guard = new EmbedGuard(ctx, opts.viewerId);
  const [pre, parents] = await Promise.all([prefetchPage(ctx, stored, opts), parentsOf(ctx, stored), guard.prime(stored)]);
  await guard.prime([...parents.values()]);
  const out: AS[] = [];
  for (const s of stored) out.push(await presentObject(ctx, s, opts, { ...pre, parents }, guard));
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
export async function presentActivities(ctx: Ctx, acts: AS[], opts: DecorateOptions, known?: Map<string, AS>): Promise<AS[]> {
  const found = await objectsOf(ctx, referencedIds(acts), known);
  const parents = await parentsOf(ctx, [...found.values()], found);
  const guard = new EmbedGuard(ctx, opts.viewerId);
  // The page's own activities are usually their objects' posts: no second read of them.
  await guard.prime([...found.values(), ...parents.values()], acts);
  const stubs = new WeakSet<AS>();
  const expand = async (ref: AS, guarded: boolean): Promise<AS> => {
    const s = typeof ref.id === "string" ? found.get(ref.id) : undefined;
    if (!s) return ref;
    if (guarded && !(await guard.may(s))) {
      const stub = stubOf(s);
      stubs.add(stub);
      return stub;
    }
    // A shallow copy: every read decodes afresh, and presenting only replaces top-level fields.
    return stripPrivate(s);
  };
  const expanded: AS[] = [];
  const hidden = new WeakSet<AS>();
  for (const stored of acts) {
    const act = stripPrivate(stored);
    for (const f of OBJECT_FIELDS) if (isPlainObject(act[f])) act[f] = await expand(act[f], f !== "actor");
    for (const f of ADDRESS_FIELDS) {
      if (Array.isArray(act[f])) act[f] = await Promise.all(act[f].map((a: AS) => (isPlainObject(a) ? expand(a, true) : a)));
    }
    const object = act.object;
    const parentHidden = isPlainObject(object) && !stubs.has(object) && (await guardParent(ctx, object, guard, false, parents));
    if (parentHidden || stubs.has(object) || stubs.has(act.target)) hidden.add(act);
    expanded.push(act);
  }
  // One batched read each for the sizes, authors and viewer's flags of every object and target on the page.
  const shown = (a: AS): AS[] => [a.object, a.target].filter((o) => isPlainObject(o) && !stubs.has(o));
  // A post's object.author is dropped below: no need to read it.
  const authored = (a: AS): AS[] => shown(a).filter((o) => !(o === a.object && a.verb === "post"));
  const [pre, authors] = await Promise.all([
    prefetchPage(ctx, expanded.flatMap(shown), opts, false),
    prefetchAuthors(ctx, expanded.flatMap(authored)),
  ]);
  const out: AS[] = [];
  for (const act of expanded) {
    for (const f of ["object", "target"] as const) {
      if (!isPlainObject(act[f]) || stubs.has(act[f])) continue;
      if (!(f === "object" && act.verb === "post")) await expandAuthor(ctx, act[f], authors);
      await addCounts(ctx, act[f], false, pre.counts);
      await decorate(ctx, act[f], opts, pre);
    }
    if (act.verb === "post" && isPlainObject(act.object)) delete act.object.author;
    if (hidden.has(act)) act.content = autoContent(act);
    out.push(hideBlindAddresses(act, opts.viewerId));
  }
  return out;
}

/**
 * `known`: stored objects in hand (what the write that made `act` stored
 * or read: TxBank.known), used instead of reading them again.
 */
export async function presentActivity(ctx: Ctx, act: AS, opts: DecorateOptions, known?: Map<string, AS>): Promise<AS> {
  return (await presentActivities(ctx, [act], opts, known))[0]!;
}

/** The stored objects by id: those in `known` (as a read would give them), the others read in one batch. */
async function objectsOf(ctx: Ctx, ids: Set<string>, known?: Map<string, AS>): Promise<Map<string, AS>> {
  if (!known) return ctx.objects.getMany(ids);
  const found = await ctx.objects.getMany([...ids].filter((id) => !known.has(id)));
  for (const id of ids) {
    const k = known.get(id);
    if (k) found.set(id, cleanOnRead(k));
  }
  return found;
}
