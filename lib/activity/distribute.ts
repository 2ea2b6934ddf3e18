import { ADDRESS_FIELDS, PUBLIC, isPlainObject, sameId, type AS } from "../model/as";
import { streamNames, type UserStreamKind } from "../model/stream";
import { isMajor } from "../model/vocabulary";
import type { Ctx } from "./context";
import { addressesOf, followersIdOf, isLocalList } from "./visibility";

/** Delivery to recipients that live elsewhere (federation fills this in). */
export interface RemoteDelivery {
  /** Sends the activity (bto/bcc already removed) to remote persons/groups. */
  deliver(activity: AS, recipients: AS[]): Promise<void>;
  /** An activity (bto/bcc removed) posted to local groups: their remote followers get it from the group (ActivityPub's Announce). */
  postedToGroups?(activity: AS, groupIds: string[]): Promise<void>;
}

/** Who an activity goes to, once addresses are resolved (§7). */
export interface Recipients {
  /** nicknames of local users whose inboxes get it */
  local: string[];
  /** local groups whose inbox stream gets it */
  groups: string[];
  /** remote persons and groups (stored objects or references) */
  remote: AS[];
}

/** The actor's outbox: `feed` plus `feed/major` or `feed/minor`. */
export async function placeInOutbox(ctx: Ctx, nick: string, act: AS): Promise<void> {
  const kind = isMajor(act) ? "feed/major" : "feed/minor";
  await ctx.userStream(nick, "feed").add(act.id);
  await ctx.userStream(nick, kind).add(act.id);
  announce(ctx, act, [`/api/user/${nick}/feed`, `/api/user/${nick}/${kind}`]);
}

/** Tells realtime listeners which API streams (paths) just got the activity. */
function announce(ctx: Ctx, act: AS, paths: string[]): void {
  if (ctx.streamEvents.size === 0 || typeof act.id !== "string") return;
  const uuid = typeof act._uuid === "string" ? act._uuid : null;
  for (const p of paths) ctx.streamEvents.emit({ url: p.startsWith("http") ? p : ctx.urls.makeURL(p), activityId: act.id, uuid });
}

/** True when the user's person is addressed in the activity's `to` or `bto` (not through followers or a list). */
export function isDirectTo(ctx: Ctx, act: AS, nick: string): boolean {
  // Any form of the user's id: peers address `acct:nick@host:port` to a person whose id is a profile URL.
  return ["to", "bto"].some((f) => Array.isArray(act[f]) && act[f].some((a: AS) => isPlainObject(a) && ctx.people.nicknameOf(a.id) === nick));
}

/**
 * A user's inbox placement: `inbox`, `inbox/major|minor`; and when the
 * user's person is in `to` or `bto`, `inbox/direct` and its major/minor.
 * Idempotent: a delivery job run again after a crash adds nothing twice
 * and announces only what it added.
 */
export async function placeInInbox(ctx: Ctx, nick: string, act: AS): Promise<void> {
  const major = isMajor(act);
  const half = major ? "major" : "minor";
  const direct = isDirectTo(ctx, act, nick);
  const kinds: UserStreamKind[] = ["inbox", `inbox/${half}`];
  if (direct) kinds.push("inbox/direct", `inbox/direct/${half}`);
  const paths: string[] = [];
  for (const kind of kinds) {
    if (await ctx.userStream(nick, kind).addIfAbsent(act.id)) paths.push(`/api/user/${nick}/${kind}`);
  }
  announce(ctx, act, paths);
}

/** A local group's inbox stream gets the activity (idempotent). */
export async function placeInGroupInbox(ctx: Ctx, groupId: string, act: AS): Promise<void> {
  // A local group's id is its API URL, so its inbox is `<id>/inbox`.
  if (await ctx.stream(streamNames.groupInbox(groupId)).addIfAbsent(act.id)) announce(ctx, act, [`${groupId}/inbox`]);
}

/**
 * Resolves an activity's addresses into recipients (§7): public and the
 * actor's followers → every follower; persons; the actor's own lists →
 * their members; local groups → their inbox and members; remote groups.
 * Each person at most once; the actor is never a recipient of its own.
 */
export async function resolveRecipients(ctx: Ctx, act: AS): Promise<Recipients> {
  const out: Recipients = { local: [], groups: [], remote: [] };
  const seen = new Set<string>();
  const actorId: string | undefined = isPlainObject(act.actor) ? act.actor.id : undefined;
  if (typeof actorId === "string") seen.add(actorId);
  const actorNick = await ctx.localNick(actorId);
  const followersId = typeof actorId === "string" ? await followersIdOf(ctx, actorId) : null;

  const person = async (ref: AS): Promise<void> => {
    if (typeof ref.id !== "string" || seen.has(ref.id)) return;
    seen.add(ref.id);
    const nick = await ctx.localNick(ref.id);
    if (nick) out.local.push(nick);
    else out.remote.push(ref);
  };
  const followers = async (): Promise<void> => {
    if (!actorNick) return;
    for (const id of await ctx.userStream(actorNick, "followers").all()) await person({ id, objectType: "person" });
  };
  const address = async (ref: AS, depth: number): Promise<void> => {
    if (typeof ref.id !== "string") return;
    if (ref.id === PUBLIC || ref.id === followersId) return followers();
    const stored = (await ctx.objects.get(ref.id)) ?? ref;
    if (stored.objectType === "person") return person(stored);
    if (stored.objectType === "group") {
      if (seen.has(stored.id)) return;
      seen.add(stored.id);
      const local = isPlainObject(stored.author) && (await ctx.localNick(stored.author.id));
      if (!local) {
        out.remote.push(stored);
        return;
      }
      out.groups.push(stored.id);
      for (const id of await ctx.stream(streamNames.members(stored.id)).all()) await person({ id, objectType: "person" });
      return;
    }
    if (stored.objectType === "collection" && depth === 0 && (await isLocalList(ctx, stored)) && sameId(stored.author.id, actorId)) {
      const ids = await ctx.stream(streamNames.members(stored.id)).all();
      const members = await ctx.objects.getMany(ids);
      for (const id of ids) await address(members.get(id) ?? { id, objectType: "person" }, depth + 1);
    }
  };
  for (const a of addressesOf(act)) await address(a, 0);
  return out;
}

/** An activity as it leaves the server: blind addresses and private fields gone. */
export function forRemote(act: AS): AS {
  const out: AS = {};
  for (const [k, v] of Object.entries(act)) if (!k.startsWith("_") && k !== "bto" && k !== "bcc") out[k] = v;
  return out;
}

/**
 * Distributes a stored activity: local inboxes and group inboxes now,
 * remote recipients handed to `remote` (if any).
 */
export async function distribute(ctx: Ctx, act: AS, remote: RemoteDelivery | null): Promise<Recipients> {
  const r = await resolveRecipients(ctx, act);
  for (const nick of r.local) await placeInInbox(ctx, nick, act);
  for (const g of r.groups) await placeInGroupInbox(ctx, g, act);
  if (r.groups.length > 0 && remote?.postedToGroups) await remote.postedToGroups(forRemote(act), r.groups);
  if (r.remote.length > 0) {
    if (remote) await remote.deliver(forRemote(act), r.remote);
    else ctx.log.debug({ activity: act.id, remote: r.remote.length }, "no remote delivery configured");
  }
  return r;
}
