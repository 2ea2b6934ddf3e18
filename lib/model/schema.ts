import type { Schema } from "../databank";
import { ACTIVITY_SCHEMA } from "./activity-schema";
import { USER_SCHEMA } from "./user-schema";
import { OAUTH_SCHEMA } from "./oauth-schema";
import { QUEUE_SCHEMA } from "../queue/schema";
import { EMAIL_SCHEMA } from "./email-schema";
import { UPLOAD_SCHEMA } from "./upload-schema";
import { MIGRATE_SCHEMA } from "./migrate-schema";
import { FEDERATION_SCHEMA } from "./federation-schema";
import { WEB_SCHEMA } from "./web-schema";
import { ACTIVITYPUB_SCHEMA } from "../activitypub/schema";

/**
 * The storage schema: every databank type the server stores, its primary
 * key and the fields it is searched by (which drivers turn into indexes).
 * Model modules add their types here as they are written.
 */
export const SCHEMA: Schema = {
  ...ACTIVITY_SCHEMA,
  ...USER_SCHEMA,
  ...OAUTH_SCHEMA,
  ...QUEUE_SCHEMA,
  ...EMAIL_SCHEMA,
  ...UPLOAD_SCHEMA,
  ...MIGRATE_SCHEMA,
  ...FEDERATION_SCHEMA,
  ...WEB_SCHEMA,
  ...ACTIVITYPUB_SCHEMA,
};
