import type { Schema } from "../databank";

/** Storage types of ActivityPub (lib/activitypub). */
export const ACTIVITYPUB_SCHEMA: Schema = {
  /** A local actor's RSA key pair (PEM), made on first need. */
  apkey: { pkey: "nickname", fields: ["publicKeyPem", "privateKeyPem", "created"], indices: [] },
  /** A remote ActivityPub actor we met: its inboxes, so delivery knows it speaks ActivityPub. */
  apactor: { pkey: "id", fields: ["inbox", "sharedInbox", "followers", "preferredUsername", "host", "fetched"], indices: ["host"] },
  /** The id of the last Follow a local actor sent to a remote actor ("<actor> <object>"), for its Undo. */
  apfollow: { pkey: "key", fields: ["activity"], indices: [] },
  /** A signature already accepted (replays are refused), by its hash. */
  /** A remote ActivityPub follower of a local group (lib/activitypub/group-actor.ts), by "<group> <actor>". */
  apgroupfollower: { pkey: "key", fields: ["group", "actor", "inbox", "created"], indices: ["group"] },
  apseen: { pkey: "key", fields: ["created"], indices: [] },
  /** A remote actor's Block of a local person ("<actor> <nickname>"): nothing is delivered to it. */
  apblock: { pkey: "id", fields: ["actor", "nickname", "created"], indices: ["nickname"] },
};
