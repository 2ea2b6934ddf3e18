import { USERLIST } from "../model/user-list";
import { localPersonId } from "../model/user-profile";
import { UUID_INDEX_TYPE, OBJECT_TYPE } from "../model/activity-object";
import { ACTIVITY_TYPE, POST_INDEX_TYPE } from "../model/activity";
import type { AS } from "../model/as";
import { MigrateError, type MigrateContext } from "./context";
import { OAUTH_TYPES, OBJECT_TYPES, RELATION_TYPES } from "./original-types";
import { each, type Phase } from "./phase";
import { itemId } from "./streams";
import { idOf, toOurActivity, toOurObject, toOurRelation, uuidKey } from "./transform";

/**
 * Ids stay the same, so this server must mint the same person ids as the
 * old site: `acct:nick@hostname` needs the same hostname and a urlPort of
 * 80/443. Checked before anything is written.
 */
export const checkPhase: Phase = {
  name: "check",
  async run(ctx) {
    ctx.progress.note(`check: ${ctx.facts.users.length} users, ${ctx.facts.streams.length} streams on the old site`);
    for (const u of ctx.facts.users) {
      const old = idOf(u.profile);
      const ours = localPersonId(String(u.nickname), ctx.urls);
      if (old && old !== ours) {
        throw new MigrateError(
          `the old site's user ${u.nickname} is ${old}, but this server would call them ${ours}: ` +
            `configure the same hostname${ctx.old.hostname ? ` (${ctx.old.hostname})` : ""} and urlPort${ctx.old.urlPort ? ` (${ctx.old.urlPort})` : ""} as the old site`,
        );
      }
    }
  },
};

export const objectsPhase: Phase = {
  name: "objects",
  async run(ctx) {
    const all: AS[] = [];
    for (const type of OBJECT_TYPES) all.push(...(await ctx.src.scan<AS>(type)));
    ctx.progress.start("objects", all.length);
    await each(ctx, all.filter((o) => typeof o.id === "string"), async (rec) => {
      const obj = toOurObject(rec, ctx.facts.localNicks, ctx.facts.listIds);
      await ctx.target.put(String(obj.objectType), OBJECT_TYPE, obj.id, obj);
      const key = uuidKey(obj);
      if (key) await ctx.target.put("uuidindex", UUID_INDEX_TYPE, key, { key, id: obj.id });
    });
  },
};

const POSTING_VERBS = new Set(["post", "create"]);

/** Activities, and which activity posted each object (the earliest post/create of it). */
export const activitiesPhase: Phase = {
  name: "activities",
  async run(ctx) {
    const all = (await ctx.src.scan<AS>("activity")).filter((a) => typeof a.id === "string");
    ctx.progress.start("activities", all.length);
    const postOf = new Map<string, AS>();
    await each(ctx, all, async (rec) => {
      const act = toOurActivity(rec);
      await ctx.target.put("activity", ACTIVITY_TYPE, act.id, act);
      if (typeof act._uuid === "string") {
        const key = `activity/${act._uuid}`;
        await ctx.target.put("uuidindex", UUID_INDEX_TYPE, key, { key, id: act.id });
      }
      const objectId = idOf(act.object);
      if (objectId && POSTING_VERBS.has(act.verb)) {
        const seen = postOf.get(objectId);
        if (!seen || String(act.published) < String(seen.published)) postOf.set(objectId, act);
      }
    });
    for (const [object, act] of postOf) await ctx.target.put("objectpost", POST_INDEX_TYPE, object, { object, activity: act.id });
  },
};

/** Accounts with their bcrypt hashes as they are, and the list of users, newest first. */
export const usersPhase: Phase = {
  name: "users",
  async run(ctx) {
    const users = ctx.facts.users.filter((u) => typeof u.nickname === "string");
    ctx.progress.start("users", users.length);
    const pending = await pendingEmails(ctx);
    await each(ctx, users, (u) => ctx.target.put("user", "user", u.nickname, withPendingEmail(u, pending.get(u.nickname))));
    const all = (await ctx.src.streamItems("user:all")).map(itemId).filter((n): n is string => n !== null);
    const known = new Set(all);
    // Users missing from user:all (it should not happen) go last, newest first.
    const rest = users.filter((u) => !known.has(u.nickname)).sort((a, b) => String(b.published).localeCompare(String(a.published)));
    const oldNewestFirst = [...all.reverse(), ...rest.map((u) => String(u.nickname))];
    const inOld = new Set(oldNewestFirst);
    const current = (await ctx.bank.find<string[]>(USERLIST.type, USERLIST.id)) ?? [];
    // Accounts made on this server before the migration stay, newer than the old site's.
    const list = [...current.filter((n) => !inOld.has(n)), ...oldNewestFirst];
    await ctx.target.putArray("userlist", USERLIST.type, USERLIST.id, list);
  },
};

/**
 * Addresses waiting for confirmation (the original's unconfirmed
 * `confirmation` records), by nickname, the newest when there are several.
 */
async function pendingEmails(ctx: MigrateContext): Promise<Map<string, string>> {
  const out = new Map<string, { email: string; at: string }>();
  for (const c of await ctx.src.scan<AS>("confirmation")) {
    if (c.confirmed || typeof c.nickname !== "string" || typeof c.email !== "string") continue;
    const at = String(c.timestamp ?? "");
    const seen = out.get(c.nickname);
    if (!seen || at > seen.at) out.set(c.nickname, { email: c.email, at });
  }
  return new Map([...out].map(([nick, v]) => [nick, v.email]));
}

/**
 * A user record as we keep it: the original's as it is (bcrypt `$2a$`
 * hashes verify unchanged), plus, for an address the original was still
 * waiting to see confirmed, our `_pendingEmail`, so "send the link again"
 * works here (the old link itself does not: our codes differ).
 */
function withPendingEmail(u: AS, pending: string | undefined): AS {
  return pending !== undefined && !u.email ? { ...u, _pendingEmail: pending } : { ...u };
}

export const relationsPhase: Phase = {
  name: "relations",
  async run(ctx) {
    const work: Array<{ type: string; rec: AS }> = [];
    for (const type of Object.keys(RELATION_TYPES)) for (const rec of await ctx.src.scan<AS>(type)) work.push({ type, rec });
    ctx.progress.start("relations", work.length);
    await each(ctx, work, async ({ type, rec }) => {
      const rel = toOurRelation(rec, RELATION_TYPES[type]!);
      if (rel) await ctx.target.put(type, type, rel.id, { ...rel });
    });
  },
};

/** OAuth clients, request and access tokens, OAuth 2 bearer tokens and codes: same types, fields, keys and secrets as the original's. */
export const oauthPhase: Phase = {
  name: "oauth",
  async run(ctx) {
    const pkeys = OAUTH_TYPES;
    const work: Array<{ type: string; rec: AS }> = [];
    for (const type of Object.keys(OAUTH_TYPES)) for (const rec of await ctx.src.scan<AS>(type)) work.push({ type, rec });
    ctx.progress.start("oauth", work.length);
    await each(ctx, work, async ({ type, rec }) => {
      const key = rec[pkeys[type]!];
      if (typeof key === "string") await ctx.target.put(type, type, key, { ...rec });
    });
  },
};
