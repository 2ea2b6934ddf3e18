import type { Schema } from "../databank";

/** Storage types of the OAuth provider (names as in the original pump.io). */
export const OAUTH_SCHEMA: Schema = {
  client: { pkey: "consumer_key", fields: ["title", "description", "host", "webfinger", "type", "created", "updated"], indices: ["host", "webfinger"] },
  requesttoken: {
    pkey: "token",
    fields: ["consumer_key", "callback", "used", "authenticated", "username", "access_token", "created", "updated"],
    indices: ["consumer_key"],
  },
  accesstoken: {
    pkey: "access_token",
    fields: ["consumer_key", "username", "request_token", "created", "updated"],
    indices: ["consumer_key", "username"],
  },
  // OAuth 2 (oauth.md §9; storage.md), as the original's 6.0 alpha stored them.
  bearertoken: { pkey: "token", fields: ["nickname", "client_id", "scope", "created"], indices: ["nickname", "client_id"] },
  authorizationcode: { pkey: "code", fields: ["nickname", "client_id", "redirect_uri", "created"], indices: [] },
  nonce: { pkey: "token_nonce", fields: ["consumer_key", "access_token", "timestamp", "nonce", "seen"], indices: [] },
};
