import type { AS } from "../model/as";
import type { OriginalSource } from "./source";
import { itemId } from "./streams";
import { idOf } from "./transform";

/** What several phases need to know about the old site; worked out at every start, so a resumed run has it too. */
export interface SiteFacts {
  users: AS[];
  /** Local person id → nickname. */
  localNicks: Map<string, string>;
  /** Names of all the original's streams. */
  streams: string[];
  /** Ids of users' lists (the collections in `user:<nick>:lists:<type>`). */
  listIds: Set<string>;
  /** Group `_uuid` → group id. */
  groupIds: Map<string, string>;
}

export async function loadFacts(src: OriginalSource): Promise<SiteFacts> {
  const users = await src.scan<AS>("user");
  const localNicks = new Map<string, string>();
  for (const u of users) {
    const id = idOf(u.profile);
    if (id && typeof u.nickname === "string") localNicks.set(id, u.nickname);
  }
  const streams = (await src.scan<AS>("stream")).map((s) => s.name).filter((n): n is string => typeof n === "string").sort();
  const listIds = new Set<string>();
  for (const name of streams) {
    if (!/^user:[^:]+:lists:/.test(name)) continue;
    for (const item of await src.streamItems(name)) {
      const id = itemId(item);
      if (id) listIds.add(id);
    }
  }
  const groupIds = new Map<string, string>();
  for (const g of await src.scan<AS>("group")) if (typeof g._uuid === "string" && typeof g.id === "string") groupIds.set(g._uuid, g.id);
  return { users, localNicks, streams, listIds, groupIds };
}
