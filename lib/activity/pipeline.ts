import { AlreadyExistsError, inTransaction, type TxBank } from "../databank";
import { BadRequestError, NotFoundError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, clone, isPlainObject, sameId, stripPrivate, type AS } from "../model/as";
import { OBJECT_TYPE } from "../model/activity-object";
import { requireObject, validateActivity } from "../model/validate";
import { isMajor } from "../model/vocabulary";
import { ensureRecipients } from "./addressing";
import { applyVerb } from "./apply";
import { autoContent } from "./content";
import type { Ctx } from "./context";
import type { DeliveryQueue } from "./delivery-queue";
import { placeInInbox, placeInOutbox } from "./distribute";
import { scrubActivity } from "./scrub";
import { DeferredStreamEvents } from "./stream-events";
import { isPublic } from "./visibility";

/**
 * What outside services do with locally created activities (federation.md
 * §8-9): the spam check may refuse one (it throws an HttpError) before its
 * side effects and storage; `publicLocal` is told about each stored public
 * one (the firehose) and must not throw or make the post wait.
 */
export interface ActivityHooks {
  checkSpam?(act: AS): Promise<void>;
  /** Rewrites remote people's ids to the ones their protocol uses (ActivityPub: acct: ids to actor ids). */
  resolveIds?(act: AS): Promise<void>;
  publicLocal?(act: AS): void;
}

/** The engine's shared internals. */
export interface Core {
  ctx: Ctx;
  queue: DeliveryQueue;
  hooks?: ActivityHooks;
}

/** Which outbox a client posted to (api.md §7 guards on feed/major and feed/minor). */
export type FeedKind = "feed" | "major" | "minor";

/** The calling client as the `generator` object (oauth's clientAsObject), or null. */
export type Generator = AS | null;

/** The stored person of a local user, or 404 as the store says it. */
export async function requireProfile(core: Core, nickname: string): Promise<AS> {
  const profile = await core.ctx.profileOf(nickname);
  if (!profile) throw new NotFoundError(`No such 'user' with id '${nickname}'`);
  return profile;
}

/**
 * The pipeline after input checks (activities.md §3): default recipients,
 * id minting, side effects, generated content, storage by reference,
 * outbox and own-inbox placement, then the delivery job. Returns the
 * stored activity.
 *
 * Every write of it (the verb's side effects, object, activity, the
 * actor's outbox and inbox, the job) is stored in one transaction when the
 * pipeline is done: one write lock instead of a dozen on SQLite, and an
 * error half-way stores nothing. Stream events and the job start after
 * the commit.
 */
export async function processActivity(core: Core, act: AS, actorNick: string | null, opts: ProcessOptions = {}): Promise<AS> {
  requireObject(act);
  const stored = await inTransaction(core.ctx.bank, async (tx) => {
    const events = new DeferredStreamEvents(core.ctx.streamEvents);
    tx.afterCommit(() => events.flush());
    if (opts.actor) tx.remember(OBJECT_TYPE, opts.actor.id, opts.actor);
    // What the transaction stored or read of objects, for the answer (presentActivity) to show without reading them again.
    if (opts.objects) tx.afterCommit(() => copyObjects(tx, opts.objects!));
    return storeActivity({ ...core, ctx: core.ctx.over(tx, events) }, tx, act, actorNick, opts);
  }).catch((err: unknown) => {
    // Another request created the same thing between our check and our
    // commit: the same 400 the direct create gave ("Already posted" races).
    if (err instanceof AlreadyExistsError) throw new BadRequestError(err.message, { cause: err });
    throw err;
  });
  if (actorNick && core.hooks?.publicLocal && isPublic(stored)) core.hooks.publicLocal(stored);
  return stored;
}

/** What processActivity may be given, and may hand back. */
export interface ProcessOptions {
  /** Run the spam check (what local people post). */
  spamCheck?: boolean;
  /** The actor's stored person, read by the caller just before: not read again. */
  actor?: AS;
  /** Filled after the commit with the objects the activity references, as stored (see TxBank.known). */
  objects?: Map<string, AS>;
}

function copyObjects(tx: TxBank, into: Map<string, AS>): void {
  for (const [id, value] of tx.known(OBJECT_TYPE)) into.set(id, value as AS);
}

async function storeActivity(core: Core, tx: TxBank, act: AS, actorNick: string | null, opts: ProcessOptions): Promise<AS> {
  const { ctx } = core;
  await ensureRecipients(ctx, act);
  ctx.activities.mint(act, actorNick);
  // What local people post (not what the server writes for them, nor what remote servers send).
  if (opts.spamCheck && core.hooks?.checkSpam) await core.hooks.checkSpam(act);
  await applyVerb({ ctx, act, actorNick });
  if (typeof act.content !== "string") {
    const obj = isPlainObject(act.object) ? act.object : null;
    const parentId = obj && isPlainObject(obj.inReplyTo) ? obj.inReplyTo.id : undefined;
    const parent = typeof parentId === "string" ? await ctx.objects.get(parentId) : null;
    act.content = autoContent(act, parent);
  }
  await ctx.activities.compressReferences(act, OBJECT_FIELDS, ADDRESS_FIELDS);
  const stored = await ctx.activities.create(act, true);
  if (actorNick) {
    await placeInOutbox(ctx, actorNick, stored);
    await placeInInbox(ctx, actorNick, stored);
  }
  await core.queue.enqueue(stored.id, tx);
  return stored;
}

/**
 * A local user's post (api.md §7) up to storage: validate, scrub, actor
 * default/check ("Invalid actor"), generator, default verb, the
 * feed/major|minor guard; then `processActivity`. Returns the stored
 * activity. `known.profile` is the user's stored person when the caller
 * has just read it (not read again); `known.objects` is filled with the
 * objects the activity references as stored, for presenting it.
 */
export async function postAsUser(
  core: Core,
  nickname: string,
  body: unknown,
  client: Generator,
  feed: FeedKind = "feed",
  known: { profile?: AS; objects?: Map<string, AS> } = {},
): Promise<AS> {
  const profile = known.profile ?? (await requireProfile(core, nickname));
  validateActivity(body);
  const act = clone(body);
  scrubActivity(act);
  if (act.actor !== undefined && !sameId(act.actor.id, profile.id)) throw new BadRequestError("Invalid actor");
  act.actor = stripPrivate(profile);
  if (client) act.generator = clone(client);
  else delete act.generator;
  if (act.verb === undefined) act.verb = "post";
  if (feed === "major" && !isMajor(act)) throw new BadRequestError("Only major activities to this feed.");
  if (feed === "minor" && isMajor(act)) throw new BadRequestError("Only minor activities to this feed.");
  if (core.hooks?.resolveIds) await core.hooks.resolveIds(act);
  return processActivity(core, act, nickname, { spamCheck: true, actor: profile, objects: known.objects });
}
