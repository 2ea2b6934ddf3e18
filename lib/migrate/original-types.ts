/**
 * The databank types of the original pump.io (reference/storage.md §2–3):
 * what pump-migrate reads, grouped by what it does with them.
 */

/** One databank type per objectType; anything else was stored in `other`. */
export const OBJECT_TYPES: readonly string[] = [
  "alert", "application", "article", "audio", "badge", "binary", "bookmark", "collection", "comment",
  "device", "event", "file", "game", "group", "image", "issue", "job", "note", "offer", "organization",
  "page", "person", "place", "process", "product", "question", "review", "service", "task", "video",
  "other",
];

/** Relation types and the fields holding their two ends (either may be a full object). */
export const RELATION_TYPES: Readonly<Record<string, { from: string; to: string }>> = {
  edge: { from: "from", to: "to" },
  favorite: { from: "from", to: "to" },
  share: { from: "sharer", to: "shared" },
  membership: { from: "member", to: "group" },
};

/** OAuth provider types (1.0a, and 2.0 of the 6.0 alpha), copied as they are (same names and fields here), with their keys. */
export const OAUTH_TYPES: Readonly<Record<string, string>> = {
  client: "consumer_key",
  requesttoken: "token",
  accesstoken: "access_token",
  bearertoken: "token",
  authorizationcode: "code",
};

/**
 * Types nothing here uses yet, kept raw (legacyrecord) so no data is lost:
 * Dialback and remote-login state for federation, pending
 * email confirmations and password recoveries, proxied URLs. The value is
 * the original's pkey field (scan gives values, not keys).
 */
export const LEGACY_TYPES: Readonly<Record<string, string>> = {
  host: "hostname",
  credentials: "host_and_id",
  remoterequesttoken: "hostname_token",
  remoteaccesstoken: "id",
  dialbackrequest: "endpoint_id_token_timestamp",
  proxy: "url",
  confirmation: "nickname_email",
  recovery: "code",
  userlist: "id",
  usercount: "id",
};

/** `recentdialbackrequests` holds one array under key "0" (scan cannot give it a key). */
export const RECENT_DIALBACK = { type: "recentdialbackrequests", key: "0" } as const;

/** Types deliberately not carried: short-lived by design (see README). */
export const SKIPPED_TYPES: readonly string[] = ["nonce", "session"];
