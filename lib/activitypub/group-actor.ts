/**
 * Local pump.io groups as ActivityPub `Group` actors, the convention of
 * Lemmy, Guppe and FEP-1b12: a remote actor Follows the group (answered
 * by an Accept), and what local people post to the group is sent to the
 * group's ActivityPub followers as an `Announce` by the group, wrapping
 * the author's Create.
 *
 * The actor's id is the group's own id (`/api/group/<uuid>`), answered as
 * AS2 when asked for it, so addressing a post to the group needs no
 * translation. Only groups anyone may read (their create activity is
 * public) are actors: a private group's name is not published.
 *
 * A Follow makes an ActivityPub follower of the group, not a pump.io
 * member: pump.io members get each post from its author directly, which
 * Mastodon-family servers drop from actors their user does not follow;
 * the group's Announce is what reaches them.
 */
import { createHash } from "node:crypto";
import { ANONYMOUS, type Engine } from "../activity";
import type { Bank } from "../databank";
import { HttpError, NotFoundError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import { AP_CONTEXT } from "./actor";
import { AS2_PUBLIC, type ApIds } from "./ids";
import { actorKey } from "./keys";
import { refId } from "./from-as2";
import type { RemoteActor } from "./remote-actors";

export type GroupEndpoint = "inbox" | "outbox" | "followers";

/** An ActivityPub follower of a local group (type apgroupfollower). */
export interface GroupFollower {
  key: string;
  group: string;
  actor: string;
  inbox: string;
  created: string;
}

/** The uuid of a local group id (`{base}/api/group/<uuid>`), or null. */
export function groupUuidOf(ids: ApIds, id: unknown): string | null {
  if (typeof id !== "string") return null;
  const prefix = ids.urls.makeURL("/api/group/");
  if (!id.startsWith(prefix)) return null;
  const rest = id.slice(prefix.length);
  return /^[A-Za-z0-9_-]+$/.test(rest) ? rest : null;
}

export function groupEndpoint(ids: ApIds, uuid: string, what: GroupEndpoint): string {
  return ids.urls.makeURL(`/api/ap/groups/${encodeURIComponent(uuid)}/${what}`);
}

/** The name its key pair is kept under (nicknames cannot contain ":"). */
export function groupKeyName(uuid: string): string {
  return `group:${uuid}`;
}

/** The local group with this uuid if anyone may read it, else null. */
export async function publicLocalGroup(engine: Engine, ids: ApIds, uuid: string): Promise<AS | null> {
  let group: AS;
  try {
    group = await engine.getObject("group", uuid, ANONYMOUS);
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) return null;
    throw err;
  }
  const author = isPlainObject(group.author) ? group.author.id : undefined;
  return typeof group.id === "string" && ids.people.nicknameOf(author) ? group : null;
}

/** The group as an AS2 `Group` actor (its key pair made on first need). */
export async function groupActorDocument(bank: Bank, ids: ApIds, group: AS, uuid: string): Promise<AS> {
  const key = await actorKey(bank, groupKeyName(uuid));
  const doc: AS = {
    "@context": AP_CONTEXT,
    id: group.id,
    type: "Group",
    // pump.io groups have no handle; the uuid is the stable name (there is no WebFinger for it).
    preferredUsername: uuid,
    name: typeof group.displayName === "string" ? group.displayName : uuid,
    inbox: groupEndpoint(ids, uuid, "inbox"),
    outbox: groupEndpoint(ids, uuid, "outbox"),
    followers: groupEndpoint(ids, uuid, "followers"),
    endpoints: { sharedInbox: ids.sharedInbox() },
    publicKey: { id: `${group.id}#main-key`, owner: group.id, publicKeyPem: key.publicKeyPem },
  };
  const summary = typeof group.summary === "string" ? group.summary : typeof group.content === "string" ? group.content : undefined;
  if (summary) doc.summary = summary;
  if (typeof group.url === "string") doc.url = group.url;
  const author = isPlainObject(group.author) ? refId(group.author.id) : undefined;
  if (author) doc.attributedTo = ids.toAp(author);
  if (typeof group.published === "string") doc.published = group.published;
  return doc;
}

export async function groupFollowers(bank: Bank, groupId: string): Promise<GroupFollower[]> {
  const all = await bank.search<GroupFollower>("apgroupfollower", { group: groupId });
  return all.sort((a, b) => a.created.localeCompare(b.created));
}

/** The group's followers (all on one page: a group's AP audience) or its outbox (empty: Announces are not kept). */
export async function groupCollectionDocument(bank: Bank, ids: ApIds, group: AS, uuid: string, what: "outbox" | "followers"): Promise<AS> {
  const items = what === "followers" ? (await groupFollowers(bank, group.id)).map((f) => f.actor) : [];
  return { "@context": AP_CONTEXT[0], id: groupEndpoint(ids, uuid, what), type: "OrderedCollection", totalItems: items.length, orderedItems: items };
}

export interface GroupInboxDeps {
  bank: Bank;
  engine: Engine;
  ids: ApIds;
  /** Queues a body signed by the group's key to one inbox. */
  send: (uuid: string, inbox: string, body: AS) => Promise<void>;
}

/**
 * A Follow of a local group (or its Undo): the follower is stored and
 * answered by an Accept from the group. True when handled here (the
 * activity needs nothing else). A group not readable by anyone is a 404.
 */
export async function receiveGroupFollow(deps: GroupInboxDeps, body: AS, remote: RemoteActor): Promise<boolean> {
  const follow = body.type === "Undo" && isPlainObject(body.object) && body.object.type === "Follow" ? body.object : body.type === "Follow" ? body : null;
  const uuid = follow ? groupUuidOf(deps.ids, refId(follow.object)) : null;
  if (!follow || !uuid) return false;
  const group = await publicLocalGroup(deps.engine, deps.ids, uuid);
  if (!group) throw new NotFoundError(`No such group: ${uuid}`);
  const key = `${group.id} ${remote.id}`;
  if (body.type === "Undo") {
    await deps.bank.del("apgroupfollower", key).catch(() => undefined);
    return true;
  }
  const follower: GroupFollower = { key, group: group.id, actor: remote.id, inbox: remote.sharedInbox ?? remote.inbox, created: new Date().toISOString() };
  await deps.bank.save("apgroupfollower", key, follower);
  const id = `${group.id}#accept-${createHash("sha256").update(String(body.id)).digest("hex").slice(0, 16)}`;
  await deps.send(uuid, remote.inbox, { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Accept", actor: group.id, object: body, to: [remote.id] });
  return true;
}

/**
 * The Announce by the group of an activity posted to it (the AS2 form of
 * the activity embedded), to the group's followers and, if the activity
 * was public, the public collection.
 */
export function groupAnnounce(ids: ApIds, groupId: string, uuid: string, activity: AS): AS {
  const addressed = [activity.to, activity.cc].flat().filter((x) => typeof x === "string");
  // The author of the post is the Create's actor (pump.io presents posts without object.author).
  if (isPlainObject(activity.object) && !activity.object.attributedTo && typeof activity.actor === "string") activity = { ...activity, object: { ...activity.object, attributedTo: activity.actor } };
  const id = `${groupId}#announce-${createHash("sha256").update(String(activity.id)).digest("hex").slice(0, 16)}`;
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Announce",
    actor: groupId,
    object: activity,
    to: [groupEndpoint(ids, uuid, "followers")],
    cc: addressed.includes(AS2_PUBLIC) ? [AS2_PUBLIC] : [],
  };
}
