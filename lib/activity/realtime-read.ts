import { ForbiddenError } from "../errors";
import type { AS } from "../model/as";
import type { Viewer } from "./context";
import { assertCanReadActivity } from "./lookup";
import type { Core } from "./pipeline";
import { presentActivity } from "./present";

/**
 * An activity by id (local or received from another server) as `viewer`
 * may see it, presented as GET /api/activity/:uuid shows it; null when it
 * is unknown, deleted, or not for this viewer. For realtime pushes, which
 * must reach only the actor and recipients (webui.md §6).
 */
export async function activityForViewer(core: Core, id: string, viewer: Viewer): Promise<AS | null> {
  const act = await core.ctx.activities.get(id);
  if (!act || typeof act.deleted === "string") return null;
  try {
    await assertCanReadActivity(core.ctx, act, viewer);
  } catch (err) {
    if (err instanceof ForbiddenError) return null;
    throw err;
  }
  return presentActivity(core.ctx, act, { viewerId: viewer.personId, items: true, flags: true, followed: true });
}
