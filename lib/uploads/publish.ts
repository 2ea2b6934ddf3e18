import type { Engine, Generator } from "../activity";
import { LIST_NAME_TYPE } from "../activity/post";
import { PUBLIC, refOf, type AS } from "../model/as";

/** Audience of a post: as the web forms build it (WebActions.audience). */
export interface Audience {
  to: AS[];
  cc?: AS[];
}

/**
 * Posts an uploaded object (the second step the original's client made
 * after uploading): a `post` activity with the stored object, so its
 * recipients may now download the file.
 */
export function postUpload(engine: Engine, nickname: string, obj: AS, audience: Audience, generator: Generator): Promise<AS> {
  return engine.postActivity(nickname, { verb: "post", object: refOf(obj), ...audience }, generator);
}

/**
 * Makes an uploaded avatar the user's profile picture (webui.md §5): posts
 * it publicly into the "Profile Pictures" list (a profile is public, so its
 * picture must be too), then sets the profile's `image` to the 96×96
 * thumbnail and `pump_io.fullImage` to the original.
 */
export async function useAsAvatar(engine: Engine, nickname: string, obj: AS, generator: Generator): Promise<AS> {
  const personId = engine.personId(nickname);
  const followers = { id: engine.ctx.people.followersId(nickname), objectType: "collection" };
  const list = await engine.ctx.bank.find<{ id: string }>(LIST_NAME_TYPE, `${personId} image Profile Pictures`);
  const act: AS = { verb: "post", object: refOf(obj), to: [{ id: PUBLIC, objectType: "collection" }], cc: [followers] };
  if (list) act.target = { id: list.id, objectType: "collection" };
  await engine.postActivity(nickname, act, generator);
  return engine.updateProfile(nickname, { image: obj.image, pump_io: { fullImage: obj.fullImage } }, generator);
}
