import type { AS } from "./as";

/** The object types the original knows (`ActivityObject.objectTypes`). */
export const OBJECT_TYPES: readonly string[] = [
  "alert", "application", "article", "audio", "badge", "binary", "bookmark", "collection", "comment",
  "device", "event", "file", "game", "group", "image", "issue", "job", "note", "offer", "organization",
  "page", "person", "place", "process", "product", "question", "review", "service", "task", "video",
];

const KNOWN_TYPES = new Set(OBJECT_TYPES);

/** The storage/URL class of an object type: itself when known, else `other`. */
export function classOf(objectType: string): string {
  return KNOWN_TYPES.has(objectType) ? objectType : "other";
}

/** True for a `:type` URL segment the API serves (the 30 types or `other`). */
export function isTypeSegment(segment: string): boolean {
  return KNOWN_TYPES.has(segment) || segment === "other";
}

/** The verbs the original knows (`Activity.verbs`). Unknown verbs are stored without side effects. */
export const VERBS: readonly string[] = [
  "accept", "access", "acknowledge", "add", "agree", "append", "approve", "archive", "assign", "at",
  "attach", "attend", "author", "authorize", "borrow", "build", "cancel", "close", "complete", "confirm",
  "consume", "checkin", "create", "delete", "deliver", "deny", "disagree", "dislike", "experience",
  "favorite", "find", "follow", "give", "host", "ignore", "insert", "install", "interact", "invite",
  "join", "leave", "like", "listen", "lose", "make-friend", "open", "play", "post", "present", "purchase",
  "qualify", "read", "receive", "reject", "remove", "remove-friend", "replace", "request", "request-friend",
  "resolve", "return", "retract", "rsvp-maybe", "rsvp-no", "rsvp-yes", "satisfy", "save", "schedule",
  "search", "sell", "send", "share", "sponsor", "start", "stop-following", "submit", "tag", "terminate",
  "tie", "unfavorite", "unlike", "unsatisfy", "unsave", "unshare", "update", "use", "watch", "win",
];

/**
 * Major activities: share or checkin, or post/create of anything but a
 * comment or a collection. Everything else is minor.
 */
export function isMajor(act: AS): boolean {
  const verb = act.verb ?? "post";
  if (verb === "share" || verb === "checkin") return true;
  if (verb === "post" || verb === "create") {
    const t = act.object?.objectType;
    return t !== "comment" && t !== "collection";
  }
  return false;
}

/**
 * A list: a collection authored by a local user with a displayName and
 * exactly one entry in objectTypes. `isLocalAuthor` decides locality.
 */
export function looksLikeList(obj: AS): boolean {
  return (
    obj.objectType === "collection" &&
    typeof obj.displayName === "string" &&
    Array.isArray(obj.objectTypes) &&
    obj.objectTypes.length === 1 &&
    typeof obj.objectTypes[0] === "string"
  );
}
