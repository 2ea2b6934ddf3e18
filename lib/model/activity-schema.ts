import type { Schema } from "../databank";

/**
 * Storage types of the activity engine (lib/model + lib/activity). Merged
 * into SCHEMA by schema.ts.
 *
 * - activityobject: every object (any objectType), pkey id
 * - uuidindex: `<class>/<uuid>` and `activity/<uuid>` → id
 * - activity: activities, pkey id
 * - objectpost: object id → its post/create activity id
 * - stream: arrays of ids in arrival order (see model/stream.ts for names)
 * - edge, favorite, share, membership: `"<from> <to>"` relation records
 * - listname: `<author> <type> <displayName>` → list id (list uniqueness)
 * - deliveryjob: activity ids waiting for distribution (durable queue)
 */
export const ACTIVITY_SCHEMA: Schema = {
  activityobject: { pkey: "id", fields: ["objectType", "_uuid"], indices: ["_uuid"] },
  uuidindex: { pkey: "key", fields: ["id"] },
  activity: { pkey: "id", fields: ["verb", "_uuid"], indices: ["_uuid"] },
  objectpost: { pkey: "object", fields: ["activity"] },
  stream: { pkey: "id" },
  edge: { pkey: "id", fields: ["from", "to", "published"], indices: ["from", "to"] },
  favorite: { pkey: "id", fields: ["from", "to", "published"], indices: ["from", "to"] },
  share: { pkey: "id", fields: ["from", "to", "published"], indices: ["from", "to"] },
  membership: { pkey: "id", fields: ["from", "to", "published"], indices: ["from", "to"] },
  listname: { pkey: "key", fields: ["id"] },
  deliveryjob: { pkey: "activity", fields: ["enqueued", "attempts"] },
};
