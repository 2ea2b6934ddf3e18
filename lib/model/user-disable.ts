import type { Bank } from "../databank";
import { AccountDisabledError } from "../errors";
import { stamp } from "./ids";
import { readUser, type UserRecord } from "./user";

/**
 * Disabling an account (pump-accounts disable; the original had no such
 * thing). A disabled account keeps its record, nickname, profile and posts
 * (what others were sent, and what peers refer to, stays readable), but it
 * can no longer act: its password is refused at every login form, its web
 * sessions end, and its OAuth tokens are answered 403. Enabling undoes it.
 */

export function isDisabled(user: Pick<UserRecord, "_disabled">): boolean {
  return user._disabled !== undefined && user._disabled !== null;
}

/** Throws AccountDisabledError (403) for a disabled account. */
export function assertEnabled(user: UserRecord): void {
  if (isDisabled(user)) throw new AccountDisabledError(user.nickname);
}

/** Marks the account disabled (again: the reason and time are replaced). */
export async function disableUser(bank: Bank, nickname: string, reason?: string): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  const mark: { at: string; reason?: string } = { at: stamp() };
  if (reason) mark.reason = reason;
  return bank.update<UserRecord>("user", nickname, { ...user, _disabled: mark, updated: stamp() });
}

/** Lifts the mark; a no-op for an enabled account. */
export async function enableUser(bank: Bank, nickname: string): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  if (!isDisabled(user)) return user;
  const next: UserRecord = { ...user, updated: stamp() };
  delete next._disabled;
  return bank.update<UserRecord>("user", nickname, next);
}
