import { OBJECT_TYPE } from "../model/activity-object";
import type { AS } from "../model/as";
import { LIST_NAME_TYPE } from "../activity/post";
import { LEGACY_TYPE } from "../model/migrate-schema";
import type { MigrateContext } from "./context";
import { LEGACY_TYPES, RECENT_DIALBACK } from "./original-types";
import { each, type Phase } from "./phase";
import { itemId, planStream } from "./streams";

/** Keeps one of the original's records raw, as `legacyrecord` `<type>/<key>`. */
export function putLegacy(ctx: MigrateContext, type: string, key: string, value: unknown): Promise<void> {
  const k = `${type}/${key}`;
  return ctx.target.put(`legacy ${type}`, LEGACY_TYPE, k, { key: k, type, originalKey: key, value });
}

/**
 * Every stream, renamed (reference/storage.md §5) with its items as bare
 * ids in the same order, duplicates included. Streams of a kind we do not
 * know (plugins) are kept raw. Users' lists also get our "one list per
 * author, type and name" record.
 */
export const streamsPhase: Phase = {
  name: "streams",
  async run(ctx) {
    ctx.progress.start("streams", ctx.facts.streams.length);
    await each(ctx, ctx.facts.streams, async (name) => {
      const plan = planStream(name, ctx.facts.groupIds);
      if (plan.kind === "userlist") return;
      const raw = await ctx.src.streamItems(name);
      if (plan.kind === "unknown") return putLegacy(ctx, "stream", name, raw);
      const items = raw.map(itemId).filter((id): id is string => id !== null);
      await ctx.target.putStream(plan.name, items);
      const lists = /^user:[^:]+:lists:(.+)$/.exec(name);
      if (lists) for (const id of items) await putListName(ctx, id, lists[1]!);
    });
  },
};

async function putListName(ctx: MigrateContext, id: string, type: string): Promise<void> {
  const list = await ctx.bank.find<AS>(OBJECT_TYPE, id);
  if (!list || typeof list.displayName !== "string" || typeof list.author?.id !== "string") return;
  const key = `${list.author.id} ${type} ${list.displayName}`;
  await ctx.target.put("listname", LIST_NAME_TYPE, key, { key, id });
}

/**
 * What this server does not use yet, kept raw so nothing is lost: Dialback
 * credentials and requests, remote hosts and remote-login tokens
 * (federation), OAuth 2 tokens, pending confirmations and recoveries.
 */
export const legacyPhase: Phase = {
  name: "legacy",
  async run(ctx) {
    const work: Array<{ type: string; key: string; value: unknown }> = [];
    for (const [type, pkey] of Object.entries(LEGACY_TYPES)) {
      for (const rec of await ctx.src.scan<AS>(type)) {
        const key = rec[pkey];
        if (typeof key === "string" || typeof key === "number") work.push({ type, key: String(key), value: rec });
      }
    }
    const recent = await ctx.src.read(RECENT_DIALBACK.type, RECENT_DIALBACK.key);
    if (recent !== null) work.push({ type: RECENT_DIALBACK.type, key: RECENT_DIALBACK.key, value: recent });
    ctx.progress.start("legacy", work.length);
    await each(ctx, work, (w) => putLegacy(ctx, w.type, w.key, w.value));
  },
};
