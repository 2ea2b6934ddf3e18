import { PUBLIC, isPlainObject, sameId, type AS } from "../model/as";
import { OBJECT_TYPE } from "../model/activity-object";
import { STREAM_TYPE, streamNames, type UserStreamKind } from "../model/stream";
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
  // One batch per write: a fan-out's thousands of streams reach the realtime bus in one call.
  ctx.streamEvents.emitBatch(paths.map((p) => ({ url: p.startsWith("http") ? p : ctx.urls.makeURL(p), activityId: act.id, uuid })));
}

/** True when the user's person is addressed in the activity's `to` or `bto` (not through followers or a list). */
export function isDirectTo(ctx: Ctx, act: AS, nick: string): boolean {
  return directNicks(ctx, act).has(nick);
}

/** Nicknames of the local users whose person is in `to` or `bto`, in any form of its id. */
function directNicks(ctx: Ctx, act: AS): Set<string> {
  const out = new Set<string>();
  // Any form of the user's id: peers address `acct:nick@host:port` to a person whose id is a profile URL.
  for (const f of ["to", "bto"]) {
    if (!Array.isArray(act[f])) continue;
    for (const a of act[f] as unknown[]) {
      const nick = isPlainObject(a) ? ctx.people.nicknameOf(a.id) : null;
      if (nick) out.add(nick);
    }
  }
  return out;
}

/**
 * A user's inbox placement: `inbox`, `inbox/major|minor`; and when the
 * user's person is in `to` or `bto`, `inbox/direct` and its major/minor.
 * Idempotent: a delivery job run again after a crash adds nothing twice
 * and announces only what it added.
 */
export async function placeInInbox(ctx: Ctx, nick: string, act: AS): Promise<void> {
  await placeInInboxes(ctx, [nick], act);
}

/**
 * placeInInbox for many users at once (a fan-out to every follower): all
 * their inbox streams get the activity through one batched append
 * (Bank.appendToMany: a few statements per thousand streams instead of a
 * transaction per stream), and realtime hears of the streams it went
 * into in one announcement. Same idempotency as placeInInbox.
 * `fromJob`: the caller is the activity's delivery job (see
 * Bank.appendToMany's `lazy`: the job's removal makes it durable).
 */
export async function placeInInboxes(ctx: Ctx, nicks: string[], act: AS, fromJob = false): Promise<void> {
  if (nicks.length === 0) return;
  const half = isMajor(act) ? "major" : "minor";
  const direct = directNicks(ctx, act);
  const paths = new Map<string, string>();
  for (const nick of nicks) {
    const kinds: UserStreamKind[] = ["inbox", `inbox/${half}`];
    if (direct.has(nick)) kinds.push("inbox/direct", `inbox/direct/${half}`);
    for (const kind of kinds) paths.set(streamNames.user(nick, kind), `/api/user/${nick}/${kind}`);
  }
  const added = await ctx.bank.appendToMany(STREAM_TYPE, [...paths.keys()], act.id, { lazy: fromJob });
  announce(ctx, act, added.map((name) => paths.get(name)!));
}

/** A local group's inbox stream gets the activity (idempotent). */
export async function placeInGroupInbox(ctx: Ctx, groupId: string, act: AS): Promise<void> {
  // A local group's id is its API URL, so its inbox is `<id>/inbox`.
  if (await ctx.stream(streamNames.groupInbox(groupId)).addIfAbsent(act.id)) announce(ctx, act, [`${groupId}/inbox`]);
}

/** How many person records one batched read of recipients covers. */
const LOOKUP_CHUNK = 250;

/**
 * The local users among person ids, as `localNick` decides one by one
 * (an id of our site's form whose stored person carries that nickname),
 * with one batched read per thousand ids instead of one read each.
 */
async function localNicks(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  const candidates = new Map<string, string>();
  for (const id of ids) {
    const nick = ctx.people.nicknameOf(id);
    if (nick) candidates.set(id, nick);
  }
  const entries = [...candidates];
  const chunks: [string, string][][] = [];
  for (let i = 0; i < entries.length; i += LOOKUP_CHUNK) chunks.push(entries.slice(i, i + LOOKUP_CHUNK));
  const local = new Set<string>();
  // As many reads in flight as the bank serves at once (a database server with several cores: two).
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      // Raw records: only `_nickname` is read, so no HTML cleaning of whole profiles.
      const found = await ctx.bank.readAll<AS>(OBJECT_TYPE, [...new Set(chunk.map(([, nick]) => ctx.people.personId(nick)))]);
      for (const [id, nick] of chunk) if (found[ctx.people.personId(nick)]?._nickname === nick) local.add(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(chunks.length, ctx.bank.inFlight) }, lane));
  // In the ids' order, as one read after another gave them.
  const out = new Map<string, string>();
  for (const [id, nick] of entries) if (local.has(id)) out.set(id, nick);
  return out;
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

  // Persons in order, each once; local or remote decided for all of them in batched reads.
  const persons = async (refs: AS[]): Promise<void> => {
    const fresh: AS[] = [];
    for (const ref of refs) {
      if (typeof ref.id !== "string" || seen.has(ref.id)) continue;
      seen.add(ref.id);
      fresh.push(ref);
    }
    const nicks = await localNicks(ctx, fresh.map((ref) => ref.id as string));
    for (const ref of fresh) {
      const nick = nicks.get(ref.id);
      if (nick) out.local.push(nick);
      else out.remote.push(ref);
    }
  };
  const person = (ref: AS): Promise<void> => persons([ref]);
  const byIds = (ids: string[]): AS[] => ids.map((id) => ({ id, objectType: "person" }));
  const followers = async (): Promise<void> => {
    if (!actorNick) return;
    await persons(byIds(await ctx.userStream(actorNick, "followers").all()));
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
      await persons(byIds(await ctx.stream(streamNames.members(stored.id)).all()));
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
 * remote recipients handed to `remote` (if any). Run by the activity's
 * delivery job only (the job queue removes the job once this resolves).
 */
export async function distribute(ctx: Ctx, act: AS, remote: RemoteDelivery | null): Promise<Recipients> {
  const r = await resolveRecipients(ctx, act);
  await placeInInboxes(ctx, r.local, act, true);
  for (const g of r.groups) await placeInGroupInbox(ctx, g, act);
  if (r.groups.length > 0 && remote?.postedToGroups) await remote.postedToGroups(forRemote(act), r.groups);
  if (r.remote.length > 0) {
    if (remote) await remote.deliver(forRemote(act), r.remote);
    else ctx.log.debug({ activity: act.id, remote: r.remote.length }, "no remote delivery configured");
  }
  return r;
}
