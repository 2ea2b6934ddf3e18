import type { Bank } from "../databank";
import { stamp } from "./ids";
import { findUser, readUser, type UserRecord } from "./user";

/**
 * The email side of a local account: the confirmed address (`email`), the
 * address waiting for confirmation (`_pendingEmail`), and whether the
 * person wants notifications by mail (`_notifyByEmail`, on unless false).
 */

/** The users whose confirmed address this is (exactly as stored, or in lower case). */
export async function findUsersByEmail(bank: Bank, email: string): Promise<UserRecord[]> {
  const found = await bank.search<UserRecord>("user", { email });
  const lower = email.toLowerCase();
  if (lower !== email) found.push(...(await bank.search<UserRecord>("user", { email: lower })));
  return found.filter((u) => typeof u.email === "string");
}

/** Records an address waiting for confirmation (the confirmed one, if any, stays in use). */
export async function setPendingEmail(bank: Bank, nickname: string, email: string | null): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  const next: UserRecord = { ...user, updated: stamp() };
  if (email === null) delete next._pendingEmail;
  else next._pendingEmail = email;
  return bank.update<UserRecord>("user", nickname, next);
}

/** Makes a confirmed address the account's address; clears the pending one when it is that address. */
export async function confirmEmail(bank: Bank, nickname: string, email: string): Promise<UserRecord | null> {
  const user = await findUser(bank, nickname);
  if (!user) return null;
  const next: UserRecord = { ...user, email, updated: stamp() };
  if (next._pendingEmail === email) delete next._pendingEmail;
  return bank.update<UserRecord>("user", nickname, next);
}

/** True unless the person turned notification mail off. */
export function wantsNotifications(user: UserRecord): boolean {
  return user._notifyByEmail !== false;
}

export async function setNotifyByEmail(bank: Bank, nickname: string, on: boolean): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  return bank.update<UserRecord>("user", nickname, { ...user, _notifyByEmail: on, updated: stamp() });
}

/** Removes the account's address and any waiting for confirmation. */
export async function clearEmail(bank: Bank, nickname: string): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  const next: UserRecord = { ...user, updated: stamp() };
  delete next.email;
  delete next._pendingEmail;
  return bank.update<UserRecord>("user", nickname, next);
}
