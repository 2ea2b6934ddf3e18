import type { Ctx } from "../activity/context";
import { objectCollection } from "../activity/collections";
import { objectPage, userName } from "../activity/feeds";
import type { AS } from "../model/as";
import { parsePageArgs, type RawQuery } from "../model/paging";

/** GET /api/user/:nick/uploads (the owner only): the user's uploaded objects, newest first. */
export async function listUploads(ctx: Ctx, nickname: string, query: RawQuery): Promise<AS> {
  const args = parsePageArgs(query);
  const viewerId = ctx.people.personId(nickname);
  const page = await objectPage(ctx, ctx.userStream(nickname, "uploads"), args, undefined, { viewerId, items: true, flags: true });
  const profile = await ctx.profileOf(nickname);
  return objectCollection({
    displayName: `Uploads by ${profile ? userName(profile, nickname) : nickname}`,
    url: ctx.urls.makeURL(`/api/user/${nickname}/uploads`),
    ...page,
  });
}
