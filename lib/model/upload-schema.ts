import type { Schema } from "../databank";

/**
 * Storage type of uploads (lib/uploads): `upload` maps a file's path
 * under `<datadir>/uploads` (its "slug", as in `/uploads/<slug>`) to the
 * object it belongs to and the type it is served as. Both the full file
 * and its thumbnail have a record.
 */
export const UPLOAD_SCHEMA: Schema = {
  upload: { pkey: "slug", fields: ["id"] },
};
