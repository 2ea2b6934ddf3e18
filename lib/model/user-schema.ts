import type { Schema } from "../databank";

/** Storage types of local accounts. `userlist` holds one array: all nicknames, newest first. */
export const USER_SCHEMA: Schema = {
  user: { pkey: "nickname", fields: ["published", "updated", "email"], indices: ["email"] },
  userlist: { pkey: "id" },
};
