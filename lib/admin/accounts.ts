import { deleteAccount } from "../oauth/accounts";
import { listUsers, readUser, type UserRecord } from "../model/user";
import { disableUser, enableUser, isDisabled } from "../model/user-disable";
import type { AdminSite } from "./site";

/** One account as pump-accounts shows it (no hashes, no private fields but the disabled mark). */
export interface AccountSummary {
  nickname: string;
  published: string;
  email: string | null;
  disabled: { at: string; reason?: string } | null;
}

function summary(user: UserRecord): AccountSummary {
  return {
    nickname: user.nickname,
    published: user.published,
    email: typeof user.email === "string" ? user.email : null,
    disabled: isDisabled(user) ? user._disabled! : null,
  };
}

/** A page of accounts, newest first, as GET /api/users pages them. */
export async function listAccounts(site: AdminSite, offset: number, count: number): Promise<{ total: number; accounts: AccountSummary[]; hasMore: boolean }> {
  const page = await listUsers(site.bank, { offset, count });
  return { total: page.totalItems, accounts: page.users.map(summary), hasMore: page.hasMore };
}

export async function showAccount(site: AdminSite, nickname: string): Promise<AccountSummary> {
  return summary(await readUser(site.bank, nickname));
}

/** Disables the account and logs out its web sessions; returns how many ended. */
export async function disableAccount(site: AdminSite, nickname: string, reason?: string): Promise<number> {
  await disableUser(site.bank, nickname, reason);
  return site.sessions.removeSessionsOf(nickname);
}

export async function enableAccount(site: AdminSite, nickname: string): Promise<void> {
  await enableUser(site.bank, nickname);
}

/**
 * Deletes the account as DELETE /api/user/:nickname does: the user record,
 * its OAuth tokens, its streams and list names (the nickname may then be
 * registered afresh), and its web sessions. Its posts stay, as there.
 */
export async function deleteAccountFully(site: AdminSite, nickname: string): Promise<void> {
  await deleteAccount(site.bank, nickname);
  await site.engine.forgetUser(nickname);
  await site.sessions.removeSessionsOf(nickname);
}
