import type { Schema } from "../databank";

/** The record that holds pump-migrate's progress (one per store). */
export const MIGRATE_STATE_TYPE = "migratestate";
/** Records of the original kept raw because nothing here uses them yet (see legacy.ts). */
export const LEGACY_TYPE = "legacyrecord";

/**
 * Storage types of pump-migrate: its checkpoint, and the original's records
 * that are preserved as they were (Dialback credentials, remote hosts,
 * remote login tokens, ...), keyed `<original type>/<original key>` and
 * searchable by their original type.
 */
export const MIGRATE_SCHEMA: Schema = {
  [MIGRATE_STATE_TYPE]: { pkey: "id", fields: ["phasesDone", "completed", "updated"] },
  [LEGACY_TYPE]: { pkey: "key", fields: ["type", "originalKey"], indices: ["type"] },
};
