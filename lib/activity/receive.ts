import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, canonicalId, clone, isPlainObject, sameId, type AS } from "../model/as";
import { stamp } from "../model/ids";
import { requireObject, validateActivity } from "../model/validate";
import { ensureRecipients } from "./addressing";
import { applyVerb } from "./apply";
import { autoContent } from "./content";
import { placeInInbox } from "./distribute";
import { requireProfile, type Core } from "./pipeline";
import { presentActivity } from "./present";
import { scrubActivity } from "./scrub";
import { addressesOf } from "./visibility";

/** Who delivered a remote activity: a Dialback-registered webfinger person or host. */
export interface RemotePrincipal {
  /** `acct:user@host` for webfinger clients, `http(s)://host/` for host clients. */
  id: string;
  kind: "webfinger" | "host";
}

/**
 * POST /api/user/:nick/inbox (api.md §9): a remote server delivers an
 * activity. The actor must match the principal; an activity already stored
 * under its id is reused, else it gets a default verb, `received`, default
 * recipients, side effects and is stored under its own id. It is then
 * placed in the user's inbox; a user who is not an addressee is recorded
 * in the hidden `_received` list (which also grants read access). Not
 * redistributed.
 */
export async function receiveRemote(core: Core, nickname: string, body: unknown, principal: RemotePrincipal): Promise<AS> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  validateActivity(body);
  const incoming = clone(body);
  scrubActivity(incoming);
  if (!isPlainObject(incoming.actor) || typeof incoming.actor.id !== "string") throw new BadRequestError("Invalid actor");
  const actorId = canonicalId(incoming.actor.id);
  if (principal.kind === "webfinger" && actorId !== canonicalId(principal.id)) {
    throw new BadRequestError(`Actor is invalid since ${actorId} is not ${canonicalId(principal.id)}`);
  }
  if (principal.kind === "host") {
    const host = new URL(principal.id).host;
    const actorHost = actorId.startsWith("acct:") ? actorId.slice(actorId.indexOf("@") + 1) : URL.canParse(actorId) ? new URL(actorId).host : "";
    if (actorHost !== host) throw new BadRequestError(`Actor is invalid since ${actorId} is not from ${host}`);
  }

  let act = typeof incoming.id === "string" ? await ctx.activities.get(incoming.id) : null;
  if (!act) {
    act = incoming;
    if (act.verb === undefined) act.verb = "post";
    act.received = stamp();
    requireObject(act);
    await ensureRecipients(ctx, act);
    if (typeof act.id !== "string") ctx.activities.mint(act, null);
    await applyVerb({ ctx, act, actorNick: null });
    if (typeof act.content !== "string") act.content = autoContent(act);
    await ctx.activities.compressReferences(act, OBJECT_FIELDS, ADDRESS_FIELDS);
    act = await ctx.activities.create(act);
  }
  if (!addressesOf(act).some((a) => sameId(a.id, profile.id))) {
    act._received = [...(Array.isArray(act._received) ? act._received : []), { id: profile.id, objectType: "person" }];
    act = await ctx.activities.save(act);
  }
  await placeInInbox(ctx, nickname, act);
  return presentActivity(ctx, act, { viewerId: principal.id });
}
