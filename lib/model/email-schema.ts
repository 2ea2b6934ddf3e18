import type { Schema } from "../databank";

/**
 * Storage types of email (lib/email): codes sent by mail (found by
 * selector, listed by nickname), mail waiting to be sent, and the
 * counters that limit how often mail may be asked for.
 */
export const EMAIL_SCHEMA: Schema = {
  emailcode: { pkey: "selector", fields: ["nickname", "purpose", "expires"], indices: ["nickname"] },
  mailjob: { pkey: "id", fields: ["attempts", "leaseUntil"] },
  emailrate: { pkey: "key", fields: ["count", "windowStart"] },
};
