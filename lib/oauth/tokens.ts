import { NoSuchThingError, type Bank } from "../databank";
import { stamp } from "./clients";
import { newSecret, newToken } from "./random";

/** Request tokens untouched this long are deleted when their client asks for a new one (ms). */
export const REQUEST_TOKEN_TTL_MS = 10 * 60 * 1000;

/** Databank type `requesttoken` (pkey `token`). */
export interface RequestTokenRecord {
  token: string;
  token_secret: string;
  verifier: string;
  /** "oob" or an absolute http(s) URL. */
  callback: string;
  consumer_key: string;
  used: boolean;
  authenticated: boolean;
  /** The user who logged in to authorize it. */
  username: string | null;
  /** Set once exchanged; a request token can be exchanged only once. */
  access_token: string | null;
  created: string;
  updated: string;
}

/** Databank type `accesstoken` (pkey `access_token`); one per (client, user), reused. */
export interface AccessTokenRecord {
  access_token: string;
  token_secret: string;
  consumer_key: string;
  username: string;
  request_token: string | null;
  created: string;
  updated: string;
}

async function delQuietly(bank: Bank, type: string, id: string): Promise<void> {
  try {
    await bank.del(type, id);
  } catch (err) {
    if (!(err instanceof NoSuchThingError)) throw err;
  }
}

/** Issues a request token, first deleting this client's request tokens untouched for 10 minutes. */
export async function createRequestToken(bank: Bank, consumerKey: string, callback: string): Promise<RequestTokenRecord> {
  const old = await bank.search<RequestTokenRecord>("requesttoken", { consumer_key: consumerKey });
  const cutoff = Date.now() - REQUEST_TOKEN_TTL_MS;
  for (const rt of old) if (Date.parse(rt.updated) < cutoff) await delQuietly(bank, "requesttoken", rt.token);

  const now = stamp();
  const record: RequestTokenRecord = {
    token: newToken(),
    token_secret: newSecret(),
    verifier: newToken(),
    callback,
    consumer_key: consumerKey,
    used: false,
    authenticated: false,
    username: null,
    access_token: null,
    created: now,
    updated: now,
  };
  return bank.create<RequestTokenRecord>("requesttoken", record.token, record);
}

export function readRequestToken(bank: Bank, token: string): Promise<RequestTokenRecord | null> {
  return bank.find<RequestTokenRecord>("requesttoken", token);
}

/** Saves changes to a request token, touching `updated`. */
export function updateRequestToken(bank: Bank, rt: RequestTokenRecord, changes: Partial<RequestTokenRecord>): Promise<RequestTokenRecord> {
  const record = { ...rt, ...changes, token: rt.token, updated: stamp() };
  return bank.update<RequestTokenRecord>("requesttoken", rt.token, record);
}

export function readAccessToken(bank: Bank, token: string): Promise<AccessTokenRecord | null> {
  return bank.find<AccessTokenRecord>("accesstoken", token);
}

/** The access token of (client, user), if one was ever issued. */
export async function findAccessToken(bank: Bank, consumerKey: string, nickname: string): Promise<AccessTokenRecord | null> {
  const found = await bank.search<AccessTokenRecord>("accesstoken", { consumer_key: consumerKey, username: nickname });
  if (found.length === 0) return null;
  // Two concurrent first logins may have minted two; always hand out the oldest.
  found.sort((a, b) => a.created.localeCompare(b.created) || a.access_token.localeCompare(b.access_token));
  return found[0]!;
}

/**
 * The access token of `nickname` for the client `consumerKey`: the existing
 * one if any (oauth.md §5: one per client and user, reused), else a new one.
 * `requestToken` records which request token it was last issued for.
 */
export async function mintAccessToken(
  bank: Bank,
  consumerKey: string,
  nickname: string,
  requestToken: string | null = null,
): Promise<{ token: string; secret: string }> {
  const existing = await findAccessToken(bank, consumerKey, nickname);
  if (existing) {
    if (requestToken !== null) {
      await bank.update<AccessTokenRecord>("accesstoken", existing.access_token, { ...existing, request_token: requestToken, updated: stamp() });
    }
    return { token: existing.access_token, secret: existing.token_secret };
  }
  const now = stamp();
  const record: AccessTokenRecord = {
    access_token: newToken(),
    token_secret: newSecret(),
    consumer_key: consumerKey,
    username: nickname,
    request_token: requestToken,
    created: now,
    updated: now,
  };
  await bank.create("accesstoken", record.access_token, record);
  return { token: record.access_token, secret: record.token_secret };
}

/**
 * Stores a configured access token with its given values (config `users[].tokens`).
 * An existing token of that value is replaced.
 */
export async function saveAccessToken(bank: Bank, token: string, secret: string, consumerKey: string, nickname: string): Promise<void> {
  const now = stamp();
  const record: AccessTokenRecord = {
    access_token: token,
    token_secret: secret,
    consumer_key: consumerKey,
    username: nickname,
    request_token: null,
    created: now,
    updated: now,
  };
  await bank.save("accesstoken", token, record);
}

/** Deletes every access token of a user (when the account is deleted). */
export async function deleteAccessTokensOf(bank: Bank, nickname: string): Promise<void> {
  const tokens = await bank.search<AccessTokenRecord>("accesstoken", { username: nickname });
  for (const t of tokens) await delQuietly(bank, "accesstoken", t.access_token);
}
