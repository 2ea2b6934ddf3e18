import { BadRequestError, ForbiddenError, GoneError, NotFoundError } from "../errors";
import { isPlainObject, sameId, type AS } from "../model/as";
import { isTombstone } from "../model/activity-object";
import { classOf } from "../model/vocabulary";
import type { Ctx, Viewer } from "./context";
import { isRecipient, objectAccess } from "./visibility";

/** How a route names an object: `/api/<type>/<uuid>` or `/api/<type>?id=<id>`. */
export type ObjectKey = { uuid: string } | { id: string };

/** The stored object; 404 "Can't find a T with ID = X", 410 for tombstones. */
export async function findObject(ctx: Ctx, type: string, key: ObjectKey): Promise<AS> {
  let obj: AS | null;
  let shown: string;
  if ("uuid" in key) {
    shown = key.uuid;
    obj = await ctx.objects.byUuid(type, key.uuid);
  } else {
    if (typeof key.id !== "string" || key.id === "") throw new BadRequestError("'id' required");
    shown = key.id;
    obj = await ctx.objects.get(key.id);
    if (obj && classOf(obj.objectType) !== type) obj = null;
  }
  if (!obj) throw new NotFoundError(`Can't find a ${type} with ID = ${shown}`);
  if (isTombstone(obj)) throw new GoneError("Deleted");
  return obj;
}

/** 403 unless the viewer is the author or a recipient of the object's post. */
export async function assertCanRead(ctx: Ctx, obj: AS, viewer: Viewer): Promise<void> {
  const access = await objectAccess(ctx, obj, viewer.personId);
  if (access === "no-post") throw new ForbiddenError("No authorization for this object.");
  if (access === "denied") throw new ForbiddenError("Only the author and recipients can view this object.");
}

/** 403 unless the viewer is the object's author. */
export function assertAuthor(obj: AS, viewer: Viewer): void {
  if (!viewer.personId || !isPlainObject(obj.author) || !sameId(obj.author.id, viewer.personId)) {
    throw new ForbiddenError("Only the author can modify this object.");
  }
}

/** The stored activity; 404 "Can't find an activity with id X", 410 when effaced. */
export async function findActivity(ctx: Ctx, uuid: string): Promise<AS> {
  const act = await ctx.activities.byUuid(uuid);
  if (!act) throw new NotFoundError(`Can't find an activity with id ${uuid}`);
  if (typeof act.deleted === "string") throw new GoneError("Deleted");
  return act;
}

/** 403 unless the viewer is the actor or a recipient. */
export async function assertCanReadActivity(ctx: Ctx, act: AS, viewer: Viewer): Promise<void> {
  if (viewer.personId && isPlainObject(act.actor) && sameId(act.actor.id, viewer.personId)) return;
  if (!(await isRecipient(ctx, act, viewer.personId))) {
    throw new ForbiddenError("Only the actor and recipients can view this activity.");
  }
}

/** 403 unless the viewer is the actor. */
export function assertActor(act: AS, viewer: Viewer): void {
  if (!viewer.personId || !isPlainObject(act.actor) || !sameId(act.actor.id, viewer.personId)) {
    throw new ForbiddenError("Only the actor can modify this object.");
  }
}
