import { ForbiddenError, GoneError, NotFoundError } from "../errors";
import type { Ctx } from "../activity/context";
import { isTombstone } from "../model/activity-object";
import { isPublic, objectAccess } from "../activity/visibility";
import { isPlainObject, sameId } from "../model/as";
import type { UploadRecord, UploadStore } from "./store";

async function isPublicPost(ctx: Ctx, objectId: string): Promise<boolean> {
  const post = await ctx.activities.postActivityOf(objectId);
  return post !== null && isPublic(post);
}

/** How a file may be served. */
export interface DownloadGrant {
  record: UploadRecord;
  /** The object's post addresses the public: shared caches may keep it. */
  isPublic: boolean;
}

/**
 * Who may download `/uploads/<slug>` (webui.md §5): the author always;
 * anyone else only when the object has been posted and its post activity
 * has them as a recipient (a public post: anyone, even anonymous).
 * Unknown file → 404; the object deleted → 410; otherwise 403.
 */
export async function grantDownload(ctx: Ctx, store: UploadStore, slug: string, viewerId: string | null): Promise<DownloadGrant> {
  const record = await store.find(slug);
  if (!record) throw new NotFoundError("No such file");
  const obj = await ctx.objects.get(record.id);
  if (!obj) throw new NotFoundError("No such file");
  if (isTombstone(obj)) throw new GoneError("Deleted");
  const access = await objectAccess(ctx, obj, viewerId);
  if (access === "author") return { record, isPublic: await isPublicPost(ctx, obj.id) };
  if (access === "recipient") {
    // Only the author's own post shares a file: someone else "posting" an
    // unposted upload they learnt the id of must not open it to their audience.
    const post = await ctx.activities.postActivityOf(obj.id);
    if (post && isPlainObject(post.actor) && isPlainObject(obj.author) && sameId(post.actor.id, obj.author.id)) {
      return { record, isPublic: isPublic(post) };
    }
  }
  if (access === "no-post" || access === "recipient") throw new ForbiddenError("Not allowed: this file has not been shared yet.");
  throw new ForbiddenError("Not allowed: only the author and the people it was shared with can see this file.");
}
