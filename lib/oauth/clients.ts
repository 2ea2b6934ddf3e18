import { AlreadyExistsError, type Bank } from "../databank";
import { newSecret, newToken } from "./random";

/** An OAuth 1.0a consumer, stored as databank type `client` (pkey `consumer_key`). */
export interface ClientRecord {
  consumer_key: string;
  secret: string;
  /** `application_name` at registration. */
  title?: string | null;
  description?: string | null;
  /** `application_type`: "web" or "native", null when not given. */
  type?: "web" | "native" | null;
  contacts?: string[];
  logo_url?: string;
  redirect_uris?: string[];
  /** Set when the client registered through host Dialback (federation). */
  host?: string;
  /** Set when the client registered through webfinger Dialback (federation). */
  webfinger?: string;
  created: string;
  updated: string;
}

/** The props a client may set or change (never its key, secret or creation time). */
export type ClientProps = Partial<Omit<ClientRecord, "consumer_key" | "secret" | "created" | "updated">>;

/** UTC ISO timestamp without milliseconds, as every stored date (api.md §1). */
export function stamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** The client with that consumer key, or null. */
export async function readClient(bank: Bank, consumerKey: string): Promise<ClientRecord | null> {
  return bank.find<ClientRecord>("client", consumerKey);
}

/**
 * Stores a new client. Key and secret are random unless given (configured
 * clients bring their own); an existing key is an AlreadyExistsError.
 */
export async function createClient(
  bank: Bank,
  props: ClientProps,
  ids: { consumer_key?: string; secret?: string } = {},
): Promise<ClientRecord> {
  const now = stamp();
  const record: ClientRecord = {
    ...props,
    consumer_key: ids.consumer_key ?? newToken(),
    secret: ids.secret ?? newSecret(),
    created: now,
    updated: now,
  };
  return bank.create<ClientRecord>("client", record.consumer_key, record);
}

/** Shallow-merges `props` over a stored client; key, secret and `created` never change. */
export async function updateClient(bank: Bank, current: ClientRecord, props: ClientProps): Promise<ClientRecord> {
  const record: ClientRecord = {
    ...current,
    ...props,
    consumer_key: current.consumer_key,
    secret: current.secret,
    created: current.created,
    updated: stamp(),
  };
  return bank.update<ClientRecord>("client", record.consumer_key, record);
}

export { AlreadyExistsError };
