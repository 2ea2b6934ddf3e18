import type { Schema } from "../databank";

/** Bank types of the job queue (see job-queue.ts). */
export const JOB_TYPE = "job";
export const LEASE_TYPE = "joblease";

export const QUEUE_SCHEMA: Schema = {
  // `state` is searched by every poll: ready jobs are few, parked ones stay.
  [JOB_TYPE]: { pkey: "id", fields: ["kind", "state", "due"], indices: ["state"] },
  [LEASE_TYPE]: { pkey: "id", fields: ["job", "holder", "expires"] },
};
