import type { Schema } from "../databank";

/**
 * Storage type of the web UI's per-person settings (lib/web/prefs.ts):
 * when they last read their notifications, whether they are listed in
 * the site's directory.
 */
export const WEB_SCHEMA: Schema = {
  webprefs: { pkey: "nickname", fields: [] },
};
