import { NoSuchThingError, type Bank } from "../databank";
import { BadRequestError } from "../errors";
import type { UserRecord } from "./user";

/** Where the nicknames of all local users are kept, newest first. */
export const USERLIST = { type: "userlist", id: "users" } as const;

/** Paging arguments of GET /api/users (api.md §6; cursors are nicknames). */
export interface UserListArgs {
  count: number;
  offset?: number;
  before?: string;
  since?: string;
}

/** One page of users, newest first. */
export interface UserPage {
  totalItems: number;
  users: UserRecord[];
  /** True when older users follow the last one of this page. */
  hasMore: boolean;
}

function single(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  return String(Array.isArray(v) ? v[0] : v);
}

/** Parses `count`, `offset`, `before`, `since` with the original's 400 texts. */
export function parseUserListArgs(query: Record<string, unknown>): UserListArgs {
  const args: UserListArgs = { count: 20 };
  const count = single(query.count);
  if (count !== undefined) {
    if (!/^\d+$/.test(count) || Number(count) > 200) throw new BadRequestError("Count must be between 0 and 200");
    args.count = Number(count);
  }
  const before = single(query.before);
  const since = single(query.since);
  const offset = single(query.offset);
  if (before !== undefined && before === "") throw new BadRequestError("before is null");
  if (since !== undefined && since === "") throw new BadRequestError("since is null");
  if (before !== undefined && since !== undefined) throw new BadRequestError("Can't have both 'before' and 'since' parameters");
  if (offset !== undefined) {
    if (!/^\d+$/.test(offset)) throw new BadRequestError("Offset must be an integer greater than or equal to zero");
    if (before !== undefined) throw new BadRequestError("Can't have both 'before' and 'offset' parameters");
    if (since !== undefined) throw new BadRequestError("Can't have both 'since' and 'offset' parameters");
    args.offset = Number(offset);
  }
  if (before !== undefined) args.before = before;
  if (since !== undefined) args.since = since;
  return args;
}

async function allNicknames(bank: Bank): Promise<string[]> {
  try {
    return await bank.read<string[]>(USERLIST.type, USERLIST.id);
  } catch (err) {
    if (err instanceof NoSuchThingError) return [];
    throw err;
  }
}

/**
 * A page of the users list: `offset` (default 0) counts from the newest;
 * `before=X` gives the users registered before X, `since=X` the `count`
 * users registered right after X (both newest first). An unknown cursor is 400.
 */
export async function listUsers(bank: Bank, args: UserListArgs): Promise<UserPage> {
  const all = await allNicknames(bank);
  let start: number;
  let end: number;
  if (args.before !== undefined || args.since !== undefined) {
    const cursor = (args.before ?? args.since)!;
    const i = all.indexOf(cursor);
    if (i === -1) throw new BadRequestError(`id '${cursor}' not found in stream 'users'`);
    if (args.before !== undefined) {
      start = i + 1;
      end = start + args.count;
    } else {
      end = i;
      start = Math.max(0, i - args.count);
    }
  } else {
    start = args.offset ?? 0;
    end = start + args.count;
  }
  const nicks = all.slice(start, end);
  const found = nicks.length > 0 ? await bank.readAll<UserRecord>("user", nicks) : {};
  const users = nicks.map((n) => found[n]).filter((u): u is UserRecord => Boolean(u));
  return { totalItems: all.length, users, hasMore: end < all.length };
}
