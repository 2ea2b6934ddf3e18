import type { Bank } from "../databank";
import { BadRequestError } from "../errors";
import type { PasswordCheck } from "../model/password-check";
import { readClient, type ClientRecord } from "./clients";
import { safeEqual } from "./random";
import { findAccessToken, readRequestToken, updateRequestToken, type RequestTokenRecord } from "./tokens";

/** A request token under authorization, with its client. */
export interface PendingAuthorization {
  rt: RequestTokenRecord;
  client: ClientRecord | null;
}

/** A failed login on the authorization page; the page is shown again with this text. */
export class LoginFailedError extends BadRequestError {}

/** The request token named by `oauth_token`; 400 when absent, unknown or already exchanged. */
export async function loadPendingAuthorization(bank: Bank, token: unknown): Promise<PendingAuthorization> {
  if (typeof token !== "string" || token === "") throw new BadRequestError("Must provide an oauth_token");
  const rt = await readRequestToken(bank, token);
  if (!rt || rt.access_token !== null) throw new BadRequestError("Invalid / expired Token");
  return { rt, client: await readClient(bank, rt.consumer_key) };
}

/** Binds the token to a user; 400 if another user already took it. */
export async function bindToUser(bank: Bank, rt: RequestTokenRecord, nickname: string): Promise<RequestTokenRecord> {
  if (rt.username !== null && rt.username !== nickname) throw new LoginFailedError("Token already associated with a different user");
  if (rt.username === nickname && rt.authenticated) return rt;
  return updateRequestToken(bank, rt, { username: nickname, authenticated: true });
}

/**
 * Checks the login form's credentials (the one throttled check: 429 when
 * locked) and binds the token to that user. `address` is the client's.
 */
export async function loginForToken(
  deps: { bank: Bank; passwords: PasswordCheck },
  rt: RequestTokenRecord,
  login: { username: unknown; password: unknown; address: string },
): Promise<RequestTokenRecord> {
  const { bank } = deps;
  const user = await deps.passwords.verify({ nickname: login.username, password: login.password, address: login.address });
  if (!user) throw new LoginFailedError("Incorrect username or password");
  return bindToUser(bank, rt, user.nickname);
}

/** True when the user already gave this client access once: no need to ask again (oauth.md §4). */
export async function alreadyApproved(bank: Bank, rt: RequestTokenRecord): Promise<boolean> {
  if (!rt.username) return false;
  return (await findAccessToken(bank, rt.consumer_key, rt.username)) !== null;
}

/**
 * The approval: the verifier posted must be the token's (it is the secret
 * the approve page carries), and a user must have logged in for it.
 */
export async function approveToken(bank: Bank, token: unknown, verifier: unknown): Promise<RequestTokenRecord> {
  const { rt } = await loadPendingAuthorization(bank, token);
  if (typeof verifier !== "string" || !safeEqual(verifier, rt.verifier)) throw new BadRequestError("Invalid verifier");
  if (!rt.authenticated || !rt.username) throw new BadRequestError("Nobody has logged in to authorize this token");
  return rt;
}

/** Where to send the browser when done: `callback?oauth_token=…&oauth_verifier=…`, or null for `oob`. */
export function callbackUrl(rt: RequestTokenRecord): string | null {
  if (rt.callback === "oob") return null;
  const qs = new URLSearchParams({ oauth_token: rt.token, oauth_verifier: rt.verifier }).toString();
  return rt.callback + (rt.callback.includes("?") ? "&" : "?") + qs;
}
