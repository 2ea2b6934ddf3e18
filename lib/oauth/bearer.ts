import { createHash } from "node:crypto";
import { NoSuchThingError, type Bank } from "../databank";
import { stamp } from "./clients";
import { newSecret, safeEqual } from "./random";

/**
 * OAuth 2.0 (oauth.md §9): bearer tokens and one-time authorization codes,
 * stored as the original's `bearertoken` and `authorizationcode` records
 * (storage.md), so migrated sites keep their tokens.
 */
export const BEARER_TYPE = "bearertoken";
export const CODE_TYPE = "authorizationcode";

/** Scopes a client may ask for. The original named these three but its check was broken, so every token it issued had none. */
export const SCOPES = ["read", "writeown", "writeall"] as const;

/** A code is exchanged at once by the client's server; ten minutes is generous (RFC 6749 §4.1.2 says at most ten). */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface BearerTokenRecord {
  token: string;
  /** The user the token acts for; null for a client-credentials token (reads as the client). */
  nickname: string | null;
  client_id: string;
  /** Space-separated scopes; "" (the original's only value) reads only. */
  scope: string;
  created: string;
}

export interface AuthorizationCodeRecord {
  code: string;
  nickname: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  created: string;
  /** PKCE (RFC 7636): the challenge the authorization request carried, if any. */
  code_challenge?: string | null;
  code_challenge_method?: "S256" | "plain" | null;
}

/** True when the token's scope lets it write as its user (`writeown` or `writeall`). */
export function canWrite(token: BearerTokenRecord): boolean {
  return scopeList(token.scope).some((s) => s === "writeown" || s === "writeall");
}

/** The scopes of a space-separated list, empty entries dropped. */
export function scopeList(scope: unknown): string[] {
  return typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : [];
}

/** True when every scope asked for is one we know. */
export function knownScopes(scope: string): boolean {
  return scopeList(scope).every((s) => (SCOPES as readonly string[]).includes(s));
}

export async function findBearerToken(bank: Bank, token: string): Promise<BearerTokenRecord | null> {
  if (token === "") return null;
  return bank.find<BearerTokenRecord>(BEARER_TYPE, token);
}

/** Issues a new bearer token (43 random characters, as the original's). */
export async function issueBearerToken(bank: Bank, props: Omit<BearerTokenRecord, "token" | "created">): Promise<BearerTokenRecord> {
  const record: BearerTokenRecord = { ...props, token: newSecret(), created: stamp() };
  return bank.create<BearerTokenRecord>(BEARER_TYPE, record.token, record);
}

/** Stores a bearer token whose value the admin chose (config `users[].tokens`); replaces one with the same value. */
export async function saveBearerToken(bank: Bank, record: Omit<BearerTokenRecord, "created">): Promise<void> {
  await bank.save<BearerTokenRecord>(BEARER_TYPE, record.token, { ...record, created: stamp() });
}

export async function createAuthorizationCode(bank: Bank, props: Omit<AuthorizationCodeRecord, "code" | "created">): Promise<AuthorizationCodeRecord> {
  const record: AuthorizationCodeRecord = { ...props, code: newSecret(), created: stamp() };
  return bank.create<AuthorizationCodeRecord>(CODE_TYPE, record.code, record);
}

/**
 * Takes a code out of the store: it works once. Of two requests racing
 * with the same code only the one whose delete succeeds gets it.
 */
export async function consumeAuthorizationCode(bank: Bank, code: string): Promise<AuthorizationCodeRecord | null> {
  const record = await bank.find<AuthorizationCodeRecord>(CODE_TYPE, code);
  if (!record) return null;
  try {
    await bank.del(CODE_TYPE, code);
  } catch (err) {
    if (err instanceof NoSuchThingError) return null;
    throw err;
  }
  return record;
}

/** True when the code is younger than CODE_LIFETIME_MS. */
export function codeIsFresh(record: AuthorizationCodeRecord, now = Date.now()): boolean {
  const created = Date.parse(record.created);
  return Number.isFinite(created) && now - created <= CODE_LIFETIME_MS;
}

/** RFC 7636 §4.6: the verifier matches the stored challenge (S256 or plain). */
export function verifierMatches(record: AuthorizationCodeRecord, verifier: string): boolean {
  if (!record.code_challenge) return true;
  const derived = record.code_challenge_method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return safeEqual(derived, record.code_challenge);
}
