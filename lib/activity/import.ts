import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, clone, isPlainObject, stripPrivate, type AS } from "../model/as";
import { requireObject, validateActivity } from "../model/validate";
import { ensureRecipients } from "./addressing";
import { applyVerb } from "./apply";
import { autoContent } from "./content";
import type { Ctx } from "./context";
import { placeInInbox, placeInOutbox } from "./distribute";
import { requireProfile, type Core } from "./pipeline";
import { scrubActivity } from "./scrub";

/** What became of one imported activity. */
export type ImportOutcome = "imported" | "present";

/** How the importer decides who did an activity (see `localActorOf`). */
export interface ImportOptions {
  /** Every activity is this local user's (importing one person's outbox from elsewhere). */
  asUser?: string | null;
}

/**
 * Imports one historical activity (pump-import-collection), as the
 * original's tool did: an activity already stored under its id is left
 * alone ("present"); otherwise it keeps its id, published date and its
 * objects' ids, gets its side effects (a post stores its object, a follow
 * fills the following and followers streams, ...), and is stored. When
 * its actor is a local user it goes into their outbox and their own inbox.
 * It is NOT distributed: history is not news, so followers' inboxes and
 * remote servers are not told (they have it, or never expected it).
 */
export async function importActivity(core: Core, body: unknown, opts: ImportOptions = {}): Promise<ImportOutcome> {
  const { ctx } = core;
  validateActivity(body);
  const act = clone(body);
  scrubActivity(act);
  if (typeof act.id === "string" && (await ctx.activities.get(act.id))) return "present";
  const nick = await localActorOf(ctx, act, opts);
  if (nick) act.actor = stripPrivate(await requireProfile(core, nick));
  else if (!isPlainObject(act.actor) || typeof act.actor.id !== "string") throw new BadRequestError("Invalid actor");
  if (act.verb === undefined) act.verb = "post";
  requireObject(act);
  await ensureRecipients(ctx, act);
  // Only an activity without an id gets a new one; mint keeps `published`.
  if (typeof act.id !== "string") ctx.activities.mint(act, nick);
  await applyVerb({ ctx, act, actorNick: nick });
  if (typeof act.content !== "string") act.content = autoContent(act);
  await ctx.activities.compressReferences(act, OBJECT_FIELDS, ADDRESS_FIELDS);
  const stored = await ctx.activities.create(act);
  if (nick) {
    await placeInOutbox(ctx, nick, stored);
    await placeInInbox(ctx, nick, stored);
  }
  return "imported";
}

/**
 * The local user who did `act`, or null: `asUser` when given; else a local
 * person id; else, as in the original, a person whose
 * `portablecontacts_net.preferredUsername` is a local nickname and whose id
 * or url is on this site's host.
 */
async function localActorOf(ctx: Ctx, act: AS, opts: ImportOptions): Promise<string | null> {
  if (opts.asUser) return opts.asUser;
  const actor = isPlainObject(act.actor) ? act.actor : null;
  if (!actor) return null;
  const byId = await ctx.localNick(actor.id);
  if (byId) return byId;
  const preferred = isPlainObject(actor.portablecontacts_net) ? actor.portablecontacts_net.preferredUsername : undefined;
  if (typeof preferred !== "string" || !onThisHost(ctx, actor)) return null;
  return (await ctx.profileOf(preferred)) ? preferred : null;
}

function onThisHost(ctx: Ctx, actor: AS): boolean {
  const host = ctx.urls.hostname.toLowerCase();
  for (const v of [actor.id, actor.url]) {
    if (typeof v !== "string") continue;
    if (v.startsWith("acct:") && v.slice(v.indexOf("@") + 1).toLowerCase() === host) return true;
    if (URL.canParse(v) && new URL(v).hostname.toLowerCase() === host) return true;
  }
  return false;
}

/** Is an activity of this id stored already? (A second import of a registration changes nothing.) */
export async function isPresent(ctx: Ctx, act: unknown): Promise<boolean> {
  return isPlainObject(act) && typeof act.id === "string" && (await ctx.activities.get(act.id)) !== null;
}

/** A `join` of this site's service by a person: the original's export marks a registration so. */
export function isRegistration(ctx: Ctx, act: unknown): act is AS {
  if (!isPlainObject(act) || act.verb !== "join") return false;
  const actor = act.actor;
  const obj = act.object;
  if (!isPlainObject(actor) || actor.objectType !== "person") return false;
  if (!isPlainObject(obj) || obj.objectType !== "service" || typeof obj.url !== "string" || !URL.canParse(obj.url)) return false;
  return new URL(obj.url).hostname.toLowerCase() === ctx.urls.hostname.toLowerCase();
}

/** The nickname a registration asks for (`portablecontacts_net.preferredUsername`), or null. */
export function registrationNickname(act: AS): string | null {
  const pc = isPlainObject(act.actor) ? act.actor.portablecontacts_net : undefined;
  return isPlainObject(pc) && typeof pc.preferredUsername === "string" ? pc.preferredUsername : null;
}

/** Copies a registration's display name and summary onto the new user's stored person. */
export async function adoptProfile(ctx: Ctx, nick: string, from: AS): Promise<void> {
  const person = await ctx.profileOf(nick);
  if (!person) return;
  const next = clone(person);
  for (const k of ["displayName", "summary"]) if (typeof from[k] === "string") next[k] = from[k];
  const ids = Array.isArray(next.upstreamDuplicates) ? next.upstreamDuplicates : [];
  if (typeof from.id === "string" && !ids.includes(from.id)) next.upstreamDuplicates = [...ids, from.id];
  await ctx.objects.save(next);
}
