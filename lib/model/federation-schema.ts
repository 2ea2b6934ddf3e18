import type { Schema } from "../databank";

/**
 * Storage types of the federation client (lib/federation): what discovery
 * learned about other servers, the Dialback tokens we issued and the ones
 * we saw, and the OAuth clients other servers registered for us.
 */
export const FEDERATION_SCHEMA: Schema = {
  /** A cached host-meta or webfinger answer (or its failure, with the back-off), by `key`. */
  discovery: { pkey: "key", fields: ["links", "fetched", "expires", "failures", "retryAt"], indices: [] },
  /** A remote server's endpoints from its host-meta (the original's `host`). */
  host: {
    pkey: "hostname",
    fields: ["registration_endpoint", "request_token_endpoint", "access_token_endpoint", "authorization_endpoint", "whoami_endpoint", "dialback_endpoint", "created", "modified"],
    indices: [],
  },
  /** A Dialback request this server signed, kept for the peer's check at /api/dialback. */
  dialbackrequest: { pkey: "key", fields: ["endpoint", "id", "token", "ts", "created"], indices: [] },
  /** A Dialback header this server has verified once (replays are refused). */
  dialbackseen: { pkey: "key", fields: ["created"], indices: [] },
  /** Consumer key and secret a remote host issued to this server (as a host or as one of our people). */
  credentials: { pkey: "key", fields: ["host", "principal", "client_id", "client_secret", "created"], indices: ["host"] },
};
