import bcrypt from "bcryptjs";
import { AlreadyExistsError, NoSuchThingError, type Bank } from "../databank";
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from "../errors";
import type { PumpConfig } from "../config";
import type { UrlMaker } from "../url-maker";
import { checkNickname, checkPassword, isValidEmail } from "./user-rules";
import { localPersonId } from "./user-profile";
import { USERLIST } from "./user-list";

export { localProfile, localPersonId, type LocalPerson } from "./user-profile";
export { listUsers, parseUserListArgs, USERLIST, type UserListArgs, type UserPage } from "./user-list";

/** bcrypt cost factor for stored password hashes. */
export const BCRYPT_COST = 10;

/**
 * Databank type `user` (pkey `nickname`): the credentials side of a local
 * account. Props starting with `_` are private and never output.
 */
export interface UserRecord {
  nickname: string;
  /** bcrypt hash of the password; never output. */
  _passwordHash: string;
  published: string;
  updated: string;
  /** Reference to the user's person object. */
  profile: { id: string; objectType: "person" };
  /** Confirmed email address. */
  email?: string;
  /** Address waiting for confirmation (lib/email): set at registration or by a change, while mail is on. */
  _pendingEmail?: string;
  /** false when the person turned notification mail off (default on). */
  _notifyByEmail?: boolean;
  /** Set while an administrator has disabled the account (lib/model/user-disable.ts). */
  _disabled?: { at: string; reason?: string };
  [extra: string]: unknown;
}

/** A user as the API shows it: no private props, no hash. */
export type PublicUser = Omit<UserRecord, "_passwordHash" | "_pendingEmail">;

/** Props the server owns: a client can't set them directly. */
const MANAGED = new Set(["nickname", "password", "published", "updated", "profile", "email", "token", "secret"]);

function stamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Client-supplied extra props, stored as-is minus private and managed ones. */
function extraProps(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!k.startsWith("_") && !MANAGED.has(k)) out[k] = v;
  return out;
}

/**
 * Registers a local account (api.md §4), checking in the original's order:
 * registration open, email (with `requireEmail`), nickname, password, then
 * a free nickname (the bank's create decides, so two racing sign-ups can't
 * both win). `opts.trusted` skips the registration switch and password
 * rules, for accounts the administrator configures.
 */
export async function createUser(
  bank: Bank,
  config: Pick<PumpConfig, "disableRegistration" | "requireEmail" | "haveEmail" | "nicknameBlacklist">,
  urls: UrlMaker,
  props: Record<string, unknown>,
  opts: { trusted?: boolean } = {},
): Promise<UserRecord> {
  if (config.disableRegistration && !opts.trusted) throw new ForbiddenError("No registration allowed.");
  let email: string | undefined;
  if (config.requireEmail && !opts.trusted) {
    if (typeof props.email !== "string" || props.email === "") throw new BadRequestError("No email address");
  }
  if (props.email !== undefined && props.email !== null && props.email !== "") {
    if (!isValidEmail(props.email)) throw new BadRequestError("Invalid email address provided");
    email = props.email;
  }
  const nickname = checkNickname(props.nickname, config.nicknameBlacklist);
  const password = opts.trusted ? trustedPassword(props.password) : checkPassword(props.password);

  const now = stamp();
  const user: UserRecord = {
    ...extraProps(props),
    nickname,
    _passwordHash: await bcrypt.hash(password, BCRYPT_COST),
    published: now,
    updated: now,
    profile: { id: localPersonId(nickname, urls), objectType: "person" },
  };
  // Where mail is sent (smtpserver), an address counts only once confirmed (lib/email/confirmation.ts).
  if (email !== undefined) {
    if ((config.requireEmail || config.haveEmail) && !opts.trusted) user._pendingEmail = email;
    else user.email = email;
  }
  try {
    await bank.create("user", nickname, user);
  } catch (err) {
    if (err instanceof AlreadyExistsError) throw new ConflictError(`Already have a(n) 'user' with id '${nickname}'`);
    throw err;
  }
  await bank.prepend(USERLIST.type, USERLIST.id, nickname);
  return user;
}

function trustedPassword(p: unknown): string {
  if (typeof p !== "string" || p === "") throw new BadRequestError("Bad password");
  return p;
}

/** The user, or null when there is none of that nickname. */
export async function findUser(bank: Bank, nickname: string): Promise<UserRecord | null> {
  return bank.find<UserRecord>("user", nickname);
}

/** The user; 404 "No such 'user' with id 'x'" when there is none. */
export async function readUser(bank: Bank, nickname: string): Promise<UserRecord> {
  const user = await findUser(bank, nickname);
  if (!user) throw new NotFoundError(`No such 'user' with id '${nickname}'`);
  return user;
}

/** Sets a new password (rules not checked: for administrators' tools). */
export async function setPassword(bank: Bank, nickname: string, password: string): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  const updated: UserRecord = { ...user, _passwordHash: await bcrypt.hash(password, BCRYPT_COST), updated: stamp() };
  return bank.update<UserRecord>("user", nickname, updated);
}

/**
 * PUT /api/user/:nickname (api.md §5): a shallow merge. The body must name
 * the same nickname and a new password passing the rules; `published` and
 * `updated` may only repeat the stored values; `profile` may only repeat
 * the current person's id, objectType and displayName (and is ignored).
 */
export async function updateUser(
  bank: Bank,
  nickname: string,
  body: Record<string, unknown>,
  currentProfile: { id: string; objectType: string; displayName?: string } | null = null,
): Promise<UserRecord> {
  const user = await readUser(bank, nickname);
  if (body.nickname !== user.nickname) throw new BadRequestError("Can't change the nickname");
  const password = checkPassword(body.password);
  for (const k of ["published", "updated"] as const) {
    if (body[k] !== undefined && body[k] !== user[k]) throw new BadRequestError(`Can't change '${k}'`);
  }
  if (body.profile !== undefined) {
    const p = body.profile as Record<string, unknown> | null;
    const cur = currentProfile ?? user.profile;
    const same = p !== null && typeof p === "object" && p.id === cur.id && p.objectType === cur.objectType &&
      (p.displayName === undefined || p.displayName === (cur as { displayName?: string }).displayName);
    if (!same) throw new BadRequestError("Change the profile through /api/user/:nickname/profile");
  }
  const changes: Record<string, unknown> = extraProps(body);
  if (body.email !== undefined) {
    if (!isValidEmail(body.email)) throw new BadRequestError("Invalid email address provided");
    changes.email = body.email;
  }
  const updated: UserRecord = {
    ...user,
    ...changes,
    _passwordHash: await bcrypt.hash(password, BCRYPT_COST),
    updated: stamp(),
  };
  return bank.update<UserRecord>("user", nickname, updated);
}

/** Deletes the account and its entry in the users list (not its profile or posts). */
export async function deleteUser(bank: Bank, nickname: string): Promise<void> {
  await readUser(bank, nickname);
  await bank.del("user", nickname);
  try {
    await bank.remove(USERLIST.type, USERLIST.id, nickname);
  } catch (err) {
    if (!(err instanceof NoSuchThingError)) throw err;
  }
}

/**
 * The user as a viewer may see it: private props and the hash dropped;
 * `email` and `settings` only for the user themself.
 */
export function sanitizeUser(user: UserRecord, viewerNickname: string | null): PublicUser {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(user)) if (!k.startsWith("_") && k !== "password") out[k] = v;
  if (viewerNickname !== user.nickname) {
    delete out.email;
    delete out.settings;
  }
  return out as PublicUser;
}
