import { stripPrivate, type AS } from "../model/as";
import type { Ctx, Viewer } from "./context";
import { assertCanRead, assertCanReadActivity, findActivity, findObject } from "./lookup";
import { requireProfile, type Core } from "./pipeline";
import { presentActivity, presentObject } from "./present";

function full(viewer: Viewer) {
  return { viewerId: viewer.personId, items: true, flags: true, followed: true, personCounts: true };
}

/** GET /api/activity/:uuid: actor or recipients; bto/bcc only for the actor. */
export async function getActivity(core: Core, uuid: string, viewer: Viewer): Promise<AS> {
  const act = await findActivity(core.ctx, uuid);
  await assertCanReadActivity(core.ctx, act, viewer);
  return presentActivity(core.ctx, act, full(viewer));
}

async function readObject(ctx: Ctx, obj: AS, viewer: Viewer): Promise<AS> {
  await assertCanRead(ctx, obj, viewer);
  return presentObject(ctx, obj, full(viewer));
}

/** GET /api/:type/:uuid: author or recipients of its post. */
export async function getObject(core: Core, type: string, uuid: string, viewer: Viewer): Promise<AS> {
  return readObject(core.ctx, await findObject(core.ctx, type, { uuid }), viewer);
}

/** GET /api/:type?id=: the same for a stored object found by its id. */
export async function getObjectByForeignId(core: Core, type: string, id: unknown, viewer: Viewer): Promise<AS> {
  return readObject(core.ctx, await findObject(core.ctx, type, { id: typeof id === "string" ? id : "" }), viewer);
}

/** GET /api/user/:nick/profile: no access check; feed counts; `pump_io.followed` for a viewer. */
export async function getProfile(core: Core, nickname: string, viewer: Viewer): Promise<AS> {
  const profile = await requireProfile(core, nickname);
  return presentObject(core.ctx, profile, { viewerId: viewer.personId, followed: true, personCounts: true });
}

/** The bare stored person of a local user (for User JSON), or null. */
export async function profileOf(core: Core, nickname: string): Promise<AS | null> {
  const p = await core.ctx.profileOf(nickname);
  return p ? stripPrivate(p) : null;
}
