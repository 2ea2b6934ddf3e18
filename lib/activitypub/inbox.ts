import { createHash } from "node:crypto";
import type { Bank } from "../databank";
import { BadRequestError, ForbiddenError } from "../errors";
import { isPlainObject, PUBLIC, type AS } from "../model/as";
import type { Engine } from "../activity";
import type { SafeFetcher } from "../net/safe-request";
import type { ApIds } from "./ids";
import { activityFromAs2, refId } from "./from-as2";
import { fetchActor } from "./remote-actors";
import type { VerifiedSigner } from "./signatures";
import type { ApDelivery } from "./delivery";
import type { DocumentLoader } from "./signed-fetch";
import { receiveRelationship } from "./relationships";
import { receiveGroupFollow } from "./group-actor";

export interface InboxDeps {
  bank: Bank;
  engine: Engine;
  fetcher: SafeFetcher;
  /** Signed GETs of remote actors (signed-fetch.ts). */
  load: DocumentLoader;
  ids: ApIds;
  delivery: () => ApDelivery | null;
  /** Moderation: hosts and actor ids whose activities are refused (403). */
  blockedDomains: string[];
  blockedActors: string[];
}

function isBlocked(deps: InboxDeps, actor: string): boolean {
  const host = new URL(actor).hostname.toLowerCase();
  return deps.blockedActors.includes(actor) || deps.blockedDomains.some((d) => host === d.toLowerCase() || host.endsWith(`.${d.toLowerCase()}`));
}

/**
 * Which local people an activity posted to the shared inbox is for: those
 * it addresses (or follows, or is about), and the local followers of its
 * actor when it goes to the public or to the actor's followers.
 */
async function recipientsOf(deps: InboxDeps, a: AS, actor: string, followersUrl: string | undefined): Promise<string[]> {
  const nicks = new Set<string>();
  const addrs = ["to", "cc", "bto", "bcc", "audience"].flatMap((f) => (Array.isArray(a[f]) ? a[f] : a[f] ? [a[f]] : []).map(refId));
  for (const id of [...addrs, refId(a.object)]) {
    const n = deps.ids.nickOfActor(id);
    if (n) nicks.add(n);
  }
  const inner = isPlainObject(a.object) ? a.object : {};
  if (refId(inner.inReplyTo)) addrs.push(...["to", "cc"].flatMap((f) => (Array.isArray(inner[f]) ? inner[f] : []).map(refId)));
  if (addrs.some((x) => x === followersUrl || (x && deps.ids.fromAp(x) === PUBLIC)) || ["Update", "Delete", "Undo"].includes(String(a.type))) {
    for (const edge of await deps.bank.search<{ from: string }>("edge", { to: actor })) {
      const n = deps.ids.people.nicknameOf(edge.from);
      if (n) nicks.add(n);
    }
  }
  return [...nicks];
}

/**
 * activitypub-express likes and announces activities, not objects: its Like
 * of one of our posts names our Create (post) activity. Such a Like,
 * Announce (or their Undo) counts on the activity's object, as a Like of
 * the note would.
 */
async function likedActivityToObject(deps: InboxDeps, as1: AS): Promise<void> {
  if (!["favorite", "share", "unfavorite", "unshare"].includes(as1.verb) || !isPlainObject(as1.object)) return;
  const id = as1.object.id;
  if (typeof id !== "string" || !id.startsWith(deps.ids.urls.makeURL("/api/activity/"))) return;
  const act = await deps.engine.ctx.activities.get(id);
  if (act && isPlainObject(act.object) && typeof act.object.id === "string") as1.object = { id: act.object.id, objectType: act.object.objectType ?? "note" };
}

/**
 * One signed POST to an ActivityPub inbox (a person's, or the shared one
 * when `nick` is null): the signer must be the activity's actor (403
 * otherwise), blocked servers and people get 403, the activity is turned
 * into our model and received by each local person it is for, exactly as
 * a pump.io delivery is; a Follow is answered by an Accept.
 */
export async function receiveInbox(deps: InboxDeps, nick: string | null, body: unknown, signer: VerifiedSigner): Promise<void> {
  if (!isPlainObject(body)) throw new BadRequestError("Activity must be a JSON object");
  const actor = refId(body.actor);
  if (!actor || !/^https?:\/\//.test(actor)) throw new BadRequestError("Activity without an actor");
  if (signer.owner !== actor) throw new ForbiddenError(`Signed by ${signer.owner}, not by the actor ${actor}`);
  const attributed = isPlainObject(body.object) && ["Create", "Update"].includes(String(body.type)) ? refId(body.object.attributedTo) : undefined;
  if (attributed && attributed !== actor) throw new ForbiddenError("Object attributed to someone else");
  if (isBlocked(deps, actor)) throw new ForbiddenError("Blocked");
  const remote = await fetchActor(deps.bank, deps.fetcher, actor, false, deps.load);
  // A Follow of a local group is the group's own business (group-actor.ts).
  const delivery = deps.delivery();
  if (delivery && (await receiveGroupFollow({ ...deps, send: (uuid, inbox, b) => delivery.sendAsGroup(uuid, inbox, b) }, body, remote))) return;
  if (await receiveRelationship({ ctx: deps.engine.ctx, ids: deps.ids }, body, actor)) return;
  const as1 = activityFromAs2(deps.ids, body);
  if (!as1) return;
  await likedActivityToObject(deps, as1);
  const nicks = nick ? [nick] : await recipientsOf(deps, body, actor, remote.followers);
  const principal = { kind: "host" as const, id: `${new URL(actor).origin}/` };
  for (const n of nicks) await deps.engine.receiveRemote(n, structuredClone(as1), principal);
  if (body.type === "Follow") {
    const followed = deps.ids.nickOfActor(refId(body.object));
    if (followed && delivery) {
      const id = `${deps.ids.actor(followed)}#accept-${createHash("sha256").update(String(body.id)).digest("hex").slice(0, 16)}`;
      const accept = { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Accept", actor: deps.ids.actor(followed), object: body, to: [actor] };
      await delivery.enqueue({ nick: followed, inbox: remote.inbox, body: accept });
    }
  }
}
