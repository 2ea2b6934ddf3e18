import { streamNames, type UserStreamKind } from "../model/stream";
import type { Ctx } from "./context";
import { LIST_NAME_TYPE } from "./post";

const USER_STREAMS: UserStreamKind[] = [
  "feed", "feed/major", "feed/minor",
  "inbox", "inbox/major", "inbox/minor",
  "inbox/direct", "inbox/direct/major", "inbox/direct/minor",
  "followers", "following", "favorites", "uploads",
];

/**
 * What an account deletion removes from the engine: the user's own streams
 * and the names of their lists, so the nickname can be registered again from
 * a clean slate (without this, the new account's default lists collide with
 * the old ones). Objects and activities stay: others' inboxes refer to them.
 */
export async function forgetUser(ctx: Ctx, nickname: string): Promise<void> {
  const prefix = `${ctx.people.personId(nickname)} `;
  const listKeys: string[] = [];
  // List names are keyed "<author id> <type> <name>"; deletions are rare, so a scan is fine.
  await ctx.bank.scan<{ key: string }>(LIST_NAME_TYPE, (rec) => {
    if (typeof rec?.key === "string" && rec.key.startsWith(prefix)) listKeys.push(rec.key);
  });
  const listTypes = new Set(["person", "image"]);
  for (const key of listKeys) {
    listTypes.add(key.slice(prefix.length).split(" ")[0]);
    await ctx.bank.del(LIST_NAME_TYPE, key);
  }
  for (const kind of USER_STREAMS) await ctx.stream(streamNames.user(nickname, kind)).destroy();
  for (const type of listTypes) await ctx.stream(streamNames.userLists(nickname, type)).destroy();
}
