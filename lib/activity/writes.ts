import { BadRequestError } from "../errors";
import { ADDRESS_FIELDS, OBJECT_FIELDS, clone, refOf, stripPrivate, type AS } from "../model/as";
import { validateActivity, validateObject } from "../model/validate";
import type { Viewer } from "./context";
import { assertActor, assertAuthor, findActivity, findObject } from "./lookup";
import { postAsUser, requireProfile, type Core, type Generator } from "./pipeline";
import { presentActivity, presentObject } from "./present";
import { scrubActivity, scrubObject } from "./scrub";

function viewerOf(core: Core, nickname: string): Viewer {
  return { nickname, personId: core.ctx.people.personId(nickname) };
}

/** The full decoration an actor sees on what they just changed. */
function fullFor(personId: string) {
  return { viewerId: personId, items: true, flags: true, followed: true };
}

function checkedObject(body: unknown): AS {
  validateObject(body, "object");
  const obj = clone(body);
  scrubObject(obj);
  return obj;
}

/**
 * An object named by reference (follow, favorite, add to a list): it must
 * have an id, else the verb would mint a new, meaningless object.
 */
function checkedRef(body: unknown): AS {
  const obj = checkedObject(body);
  if (typeof obj.id !== "string" || obj.id === "") throw new BadRequestError("Object has no id");
  return obj;
}

/** Posts a generated activity about `object` and returns the presented (stored) object. */
async function postAbout(core: Core, nickname: string, act: AS, client: Generator): Promise<AS> {
  const stored = await postAsUser(core, nickname, act, client);
  const obj = await core.ctx.objects.get(stored.object.id);
  return presentObject(core.ctx, obj ?? stored.object, fullFor(core.ctx.people.personId(nickname)));
}

/** POST …/following: follow the object; returns it. */
export function follow(core: Core, nickname: string, body: unknown, client: Generator): Promise<AS> {
  return postAbout(core, nickname, { verb: "follow", object: checkedRef(body) }, client);
}

/** POST …/favorites: favorite the object; returns it. */
export function favorite(core: Core, nickname: string, body: unknown, client: Generator): Promise<AS> {
  return postAbout(core, nickname, { verb: "favorite", object: checkedRef(body) }, client);
}

/** POST /api/collection/:uuid/members (author only): add the object to the list; returns it. */
export async function addToList(core: Core, listUuid: string, body: unknown, nickname: string, client: Generator): Promise<AS> {
  const list = await findObject(core.ctx, "collection", { uuid: listUuid });
  assertAuthor(list, viewerOf(core, nickname));
  return postAbout(core, nickname, { verb: "add", object: checkedRef(body), target: refOf(list) }, client);
}

/** PUT /api/:type/:uuid (author only): shallow-merge and post an `update`; returns the object. */
export async function updateObject(core: Core, type: string, uuid: string, body: unknown, nickname: string, client: Generator): Promise<AS> {
  const obj = await findObject(core.ctx, type, { uuid });
  assertAuthor(obj, viewerOf(core, nickname));
  const changes = checkedObject(body);
  return postAbout(core, nickname, { verb: "update", object: { ...changes, id: obj.id, objectType: obj.objectType } }, client);
}

/** DELETE /api/:type/:uuid (author only): post a `delete`; returns "Deleted". */
export async function deleteObject(core: Core, type: string, uuid: string, nickname: string, client: Generator): Promise<"Deleted"> {
  const obj = await findObject(core.ctx, type, { uuid });
  assertAuthor(obj, viewerOf(core, nickname));
  await postAsUser(core, nickname, { verb: "delete", object: refOf(obj) }, client);
  return "Deleted";
}

/** PUT /api/user/:nick/profile (self): post an `update` of the user's person; returns it. */
export async function updateProfile(core: Core, nickname: string, body: unknown, client: Generator): Promise<AS> {
  const profile = await requireProfile(core, nickname);
  const changes = checkedObject(body);
  return postAbout(core, nickname, { verb: "update", object: { ...changes, id: profile.id, objectType: "person" } }, client);
}

const FIXED_ACTIVITY_KEYS = ["id", "actor", "verb", "published", "updated", "links", "url", "deleted", "received"];

/** PUT /api/activity/:uuid (actor only): shallow merge, no side effects; returns the activity. */
export async function putActivity(core: Core, uuid: string, body: unknown, nickname: string): Promise<AS> {
  const { ctx } = core;
  const act = await findActivity(ctx, uuid);
  const viewer = viewerOf(core, nickname);
  assertActor(act, viewer);
  validateActivity(body);
  const changes = clone(body);
  scrubActivity(changes);
  for (const k of FIXED_ACTIVITY_KEYS) delete changes[k];
  if (changes.object !== undefined && changes.object.id !== act.object?.id) {
    throw new BadRequestError("Can't change the object of an activity");
  }
  const merged = { ...act, ...stripPrivate(changes) };
  await ctx.activities.compressReferences(merged, OBJECT_FIELDS, ADDRESS_FIELDS);
  const saved = await ctx.activities.save(merged);
  return presentActivity(ctx, saved, fullFor(viewer.personId!));
}

/** DELETE /api/activity/:uuid (actor only): efface it; returns "Deleted". */
export async function deleteActivity(core: Core, uuid: string, nickname: string): Promise<"Deleted"> {
  const act = await findActivity(core.ctx, uuid);
  assertActor(act, viewerOf(core, nickname));
  await core.ctx.activities.efface(act);
  return "Deleted";
}
