import type { AS } from "../model/as";
import type { Ctx } from "./context";
import { requireProfile, type Core } from "./pipeline";
import { presentActivities } from "./present";

/** Activities presented per batch: bounded memory for a long outbox. */
const BATCH = 100;

/** A person's data for pump-export: their profile, outbox and uploads. */
export interface PersonExport {
  profile: AS;
  /** The outbox as an ActivityStreams collection, newest first, objects expanded as the person sees them. */
  outbox: AS;
  /** Ids of the objects in their uploads stream. */
  uploads: string[];
}

/** Reads everything pump-export writes for `nickname` (404 for an unknown one). */
export async function exportPerson(core: Core, nickname: string): Promise<PersonExport> {
  const { ctx } = core;
  const profile = await requireProfile(core, nickname);
  const viewerId = profile.id as string;
  const ids = await ctx.userStream(nickname, "feed").all();
  const items: AS[] = [];
  for (let i = 0; i < ids.length; i += BATCH) items.push(...(await readBatch(ctx, ids.slice(i, i + BATCH), viewerId)));
  const outbox: AS = {
    objectType: "collection",
    displayName: `Activities by ${typeof profile.displayName === "string" ? profile.displayName : nickname}`,
    id: ctx.urls.makeURL(`/api/user/${nickname}/feed`),
    author: { id: viewerId, objectType: "person" },
    totalItems: items.length,
    items,
  };
  const uploads = await ctx.userStream(nickname, "uploads").all();
  const { _nickname: _n, _uuid: _u, ...shown } = profile;
  return { profile: shown, outbox, uploads };
}

async function readBatch(ctx: Ctx, ids: string[], viewerId: string): Promise<AS[]> {
  const found = await ctx.activities.getMany(ids);
  const acts = ids.map((id) => found.get(id)).filter((a): a is AS => a !== undefined);
  return presentActivities(ctx, acts, { viewerId, items: false });
}
