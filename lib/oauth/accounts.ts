import type { Bank } from "../databank";
import type { PumpConfig } from "../config";
import type { UrlMaker } from "../url-maker";
import { createUser, deleteUser, type UserRecord } from "../model/user";
import type { PasswordCheck } from "../model/password-check";
import { UnauthorizedError } from "../errors";
import { deleteAccessTokensOf, mintAccessToken } from "./tokens";
import type { ClientRecord } from "./clients";

/** Runs after an account is created: the activity code posts the join, the welcome note, the lists. */
/** What runs after an account is created; `client` is the registering OAuth client, when there is one. */
export type AfterRegister = (user: UserRecord, client?: ClientRecord) => Promise<void>;

/**
 * POST /api/users (api.md §4): creates the account, runs the
 * after-registration hook, and mints the calling client's access token
 * for the new user.
 */
export async function registerAccount(
  bank: Bank,
  config: Pick<PumpConfig, "disableRegistration" | "requireEmail" | "haveEmail" | "nicknameBlacklist">,
  urls: UrlMaker,
  consumerKey: string,
  props: Record<string, unknown>,
  afterRegister: AfterRegister = async () => {},
): Promise<{ user: UserRecord; token: string; secret: string }> {
  const user = await createUser(bank, config, urls, props);
  await afterRegister(user);
  const { token, secret } = await mintAccessToken(bank, consumerKey, user.nickname);
  return { user, token, secret };
}

/** Deletes the account and revokes its access tokens, so a later account of the same nickname can't inherit them. */
export async function deleteAccount(bank: Bank, nickname: string): Promise<void> {
  await deleteUser(bank, nickname);
  await deleteAccessTokensOf(bank, nickname);
}

/**
 * The web UI's `POST /main/login` (api.md §12), called after 2-legged auth:
 * checks the password and hands the client the user's access token.
 * Bad nickname or password → 401 "Incorrect username or password"; the
 * check is the one throttled check (429 when locked); `address` is the client's.
 */
export async function loginAccount(
  deps: { bank: Bank; passwords: PasswordCheck },
  consumerKey: string,
  login: { nickname: unknown; password: unknown; address: string },
): Promise<{ user: UserRecord; token: string; secret: string }> {
  const { bank } = deps;
  const user = await deps.passwords.verify(login);
  if (!user) throw new UnauthorizedError("Incorrect username or password");
  const { token, secret } = await mintAccessToken(bank, consumerKey, user.nickname);
  return { user, token, secret };
}
