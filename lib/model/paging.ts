import { BadRequestError } from "../errors";

/** Validated paging arguments of a list endpoint (api.md §6). */
export interface PageArgs {
  count: number;
  /** Set when paging by offset (also the default, offset 0). */
  offset?: number;
  before?: string;
  since?: string;
  /** followers/following only: case-insensitive displayName filter. */
  q?: string;
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 200;

/** Raw query values as Express gives them. */
export type RawQuery = Record<string, unknown>;

function single(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return single(v[v.length - 1]);
  return typeof v === "string" ? v : String(v);
}

/**
 * Parses `count`, `offset`, `before`, `since` and `q` with the exact 400
 * texts of the original's `streamArgs`.
 */
export function parsePageArgs(query: RawQuery = {}, defaultCount = DEFAULT_COUNT): PageArgs {
  const rawCount = single(query.count);
  const rawOffset = single(query.offset);
  const before = single(query.before);
  const since = single(query.since);
  const q = single(query.q);

  let count = defaultCount;
  if (rawCount !== undefined) {
    if (!/^\d+$/.test(rawCount.trim())) throw new BadRequestError("Count must be between 0 and 200");
    count = Number(rawCount.trim());
    if (count < 0 || count > MAX_COUNT) throw new BadRequestError("Count must be between 0 and 200");
  }

  const args: PageArgs = { count };
  if (rawOffset !== undefined) {
    if (!/^\d+$/.test(rawOffset.trim())) {
      throw new BadRequestError("Offset must be an integer greater than or equal to zero");
    }
    args.offset = Number(rawOffset.trim());
  }
  if (before !== undefined) {
    if (before === "") throw new BadRequestError(`${before} is null`);
    if (args.offset !== undefined) throw new BadRequestError("Can't have both 'before' and 'offset' parameters");
    args.before = before;
  }
  if (since !== undefined) {
    if (since === "") throw new BadRequestError(`${since} is null`);
    if (args.offset !== undefined) throw new BadRequestError("Can't have both 'since' and 'offset' parameters");
    if (args.before !== undefined) throw new BadRequestError("Can't have both 'before' and 'since' parameters");
    args.since = since;
  }
  if (args.before === undefined && args.since === undefined && args.offset === undefined) args.offset = 0;
  if (q !== undefined && q !== "") args.q = q;
  return args;
}

/**
 * The same windows as Stream.window, over an in-memory newest-first list
 * (used after a `q` filter). Unknown cursors are 400s.
 */
export function pageList(list: string[], args: PageArgs, name: string): { ids: string[]; start: number; total: number } {
  const pos = (id: string): number => {
    const i = list.indexOf(id);
    if (i < 0) throw new BadRequestError(`id '${id}' not found in stream '${name}'`);
    return i;
  };
  let start: number;
  let end: number;
  if (args.before !== undefined) {
    start = pos(args.before) + 1;
    end = start + args.count;
  } else if (args.since !== undefined) {
    const k = pos(args.since);
    start = Math.max(0, k - args.count);
    end = k;
  } else {
    start = args.offset ?? 0;
    end = start + args.count;
  }
  return { ids: list.slice(start, end), start, total: list.length };
}
