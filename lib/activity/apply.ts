import { applyAdd, applyRemove } from "./collection";
import { applyFavorite, applyUnfavorite } from "./favorite";
import { applyFollow, applyStopFollowing } from "./follow";
import { applyJoin, applyLeave } from "./group";
import { applyDelete, applyPost, applyUpdate } from "./post";
import { applyShare, applyUnshare } from "./share";
import type { VerbHandler, VerbInput } from "./verb-context";

/** Side effects per verb (activities.md §4). Other verbs have none. */
export const VERB_HANDLERS: Readonly<Record<string, VerbHandler>> = {
  post: applyPost,
  create: applyPost,
  update: applyUpdate,
  delete: applyDelete,
  follow: applyFollow,
  "stop-following": applyStopFollowing,
  favorite: applyFavorite,
  like: applyFavorite,
  unfavorite: applyUnfavorite,
  unlike: applyUnfavorite,
  share: applyShare,
  unshare: applyUnshare,
  add: applyAdd,
  remove: applyRemove,
  join: applyJoin,
  leave: applyLeave,
};

/** Runs the verb's side effects, if it has any. */
export async function applyVerb(input: VerbInput): Promise<void> {
  const handler = Object.prototype.hasOwnProperty.call(VERB_HANDLERS, input.act.verb)
    ? VERB_HANDLERS[input.act.verb]
    : undefined;
  if (handler) await handler(input);
}
