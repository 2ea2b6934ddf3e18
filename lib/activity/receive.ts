import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, canonicalId, clone, isPlainObject, sameId, type AS } from "../model/as";
import { stamp } from "../model/ids";
import { streamNames } from "../model/stream";
import { requireObject, validateActivity } from "../model/validate";
import { ensureRecipients } from "./addressing";
import { applyVerb } from "./apply";
import { autoContent } from "./content";
import { placeInGroupInbox, placeInInbox } from "./distribute";
import { findObject } from "./lookup";
import { requireProfile, type Core } from "./pipeline";
import { presentActivity } from "./present";
import { scrubActivity } from "./scrub";
import { addressesOf } from "./visibility";
import { actorBelongsTo } from "./remote-principal";

export { actorBelongsTo };

/** Who delivered a remote activity: a Dialback-registered webfinger person or host. */
export interface RemotePrincipal {
  /** `acct:user@host` for webfinger clients, `http(s)://host/` for host clients. */
  id: string;
  kind: "webfinger" | "host";
}

/**
 * Checks and stores (once) an activity delivered by a remote server, and
 * returns the stored copy. The actor must belong to the principal (a
 * webfinger client: that person; a host client: a person of that host —
 * the original forgot the host case). An activity already stored under
 * its id is reused only when it has the same actor: a peer may not take
 * over, or replay as its own, an id someone else used. A new one gets a
 * default verb, `received`, default recipients and its side effects
 * applied as the remote actor, and is stored under its own id. Hostile or
 * invalid input is a 400 before anything is written.
 */
async function ingest(core: Core, body: unknown, principal: RemotePrincipal): Promise<AS> {
  const { ctx } = core;
  validateActivity(body);
  const incoming = clone(body);
  scrubActivity(incoming);
  if (!isPlainObject(incoming.actor) || typeof incoming.actor.id !== "string") throw new BadRequestError("Invalid actor");
  const actorId = canonicalId(incoming.actor.id);
  if (!actorBelongsTo(actorId, principal)) {
    throw new BadRequestError(`Actor is invalid since ${actorId} does not belong to ${principal.id}`);
  }
  if (incoming.id !== undefined && (typeof incoming.id !== "string" || !/^(https?:\/\/|acct:|urn:|tag:)/i.test(incoming.id))) {
    throw new BadRequestError("Invalid activity id");
  }
  canonicalLocalRefs(core, incoming);
  const existing = typeof incoming.id === "string" ? await ctx.activities.get(incoming.id) : null;
  if (existing) {
    const storedActor = isPlainObject(existing.actor) && typeof existing.actor.id === "string" ? canonicalId(existing.actor.id) : null;
    if (storedActor !== actorId) throw new BadRequestError(`Activity ${String(incoming.id)} already exists with another actor`);
    return existing;
  }
  const act = incoming;
  if (act.verb === undefined) act.verb = "post";
  act.received = stamp();
  requireObject(act);
  await ensureRecipients(ctx, act);
  if (typeof act.id !== "string") ctx.activities.mint(act, null);
  await applyVerb({ ctx, act, actorNick: null });
  if (typeof act.content !== "string") act.content = autoContent(act);
  await ctx.activities.compressReferences(act, OBJECT_FIELDS, ADDRESS_FIELDS);
  return ctx.activities.create(act);
}

/**
 * Peers name our people as they know them: `acct:nick@host:port` when our
 * ids are profile URLs. The object, target and addresses are rewritten to
 * the person's id, so that a follow makes the same edge a local follow
 * makes (and read access, which matches ids exactly, sees the follower).
 */
function canonicalLocalRefs(core: Core, act: AS): void {
  const { people } = core.ctx;
  const fix = (ref: unknown): void => {
    if (!isPlainObject(ref) || typeof ref.id !== "string") return;
    const nick = people.nicknameOf(ref.id);
    if (nick) ref.id = people.personId(nick);
  };
  fix(act.object);
  fix(act.target);
  for (const f of ADDRESS_FIELDS) if (Array.isArray(act[f])) act[f].forEach(fix);
}

/**
 * POST /api/user/:nick/inbox (federation.md §6): a remote server delivers
 * an activity. Stored once (see `ingest`), then placed in the user's inbox;
 * a user who is not an addressee is recorded in the hidden `_received`
 * list (which also grants read access). Idempotent on the activity id, so
 * a delivery retried after a lost answer changes nothing. Not redistributed.
 */
export async function receiveRemote(core: Core, nickname: string, body: unknown, principal: RemotePrincipal): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  let act = await ingest(core, body, principal);
  // By exact id: read access (visibility.ts) matches ids exactly, so another form of the id needs `_received` too.
  if (!addressesOf(act).some((a) => sameId(a.id, profile.id))) {
    const received: AS[] = Array.isArray(act._received) ? act._received : [];
    if (!received.some((r) => sameId(r.id, profile.id))) {
      act._received = [...received, { id: profile.id, objectType: "person" }];
      act = await ctx.activities.save(act);
    }
  }
  await placeInInbox(ctx, nickname, act);
  return presentActivity(ctx, act, { viewerId: principal.id });
}

/**
 * POST /api/group/:uuid/inbox: a remote member's activity for a local
 * group. The group must be one of its addressees (400); it goes to the
 * group's inbox stream and to every local member's inbox (idempotent
 * placements, so a retried delivery adds nothing twice). Never passed on
 * to other servers: the sender's server delivered to its own recipients.
 */
export async function receiveRemoteForGroup(core: Core, uuid: string, body: unknown, principal: RemotePrincipal): Promise<AS> {
  const { ctx } = core;
  const group = await findObject(ctx, "group", { uuid });
  if (!isPlainObject(body) || !ADDRESS_FIELDS.some((f) => Array.isArray(body[f]) && body[f].some((a: unknown) => isPlainObject(a) && sameId(a.id, group.id)))) {
    throw new BadRequestError(`Group ${String(group.id)} is not a recipient of this activity`);
  }
  const act = await ingest(core, body, principal);
  await placeInGroupInbox(ctx, group.id, act);
  for (const id of await ctx.stream(streamNames.members(group.id)).all()) {
    const nick = await ctx.localNick(id);
    if (nick) await placeInInbox(ctx, nick, act);
  }
  return presentActivity(ctx, act, { viewerId: principal.id });
}
