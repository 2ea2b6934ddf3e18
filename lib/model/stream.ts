import { BadRequestError } from "../errors";
import { NoSuchThingError, type Bank } from "../databank";
import type { PageArgs } from "./paging";

/** The databank type holding stream arrays. */
export const STREAM_TYPE = "stream";

/** The largest batch of ids a filtered page scan reads at once. */
const MAX_SCAN_CHUNK = 1000;

/**
 * An ordered stream of ids, read newest-first. Stored as one databank array
 * in arrival order (append is the cheap operation in every driver); item i
 * of the newest-first view F is array item `length - 1 - i`. Streams do not
 * de-duplicate. A stream that was never written is empty.
 */
export class Stream {
  constructor(
    private readonly bank: Bank,
    readonly name: string,
  ) {}

  /** Adds an id as the newest item. */
  async add(id: string): Promise<void> {
    await this.bank.append(STREAM_TYPE, this.name, id);
  }

  /**
   * Adds an id as the newest item unless the stream has it; returns whether
   * it was added. What retried jobs use, so an activity lands once.
   */
  async addIfAbsent(id: string): Promise<boolean> {
    if (await this.has(id)) return false;
    await this.add(id);
    return true;
  }

  /**
   * Number of items (0 for a stream never written). Through the batched
   * `lengths`, which answers a missing stream with 0 where `length` would
   * build a NoSuchThingError (and its stack) for it: a post counts its
   * author's followers, often none.
   */
  async count(): Promise<number> {
    return (await this.bank.lengths(STREAM_TYPE, [this.name])).get(this.name) ?? 0;
  }

  /**
   * Number of items and a version token that changes whenever the stream
   * does (null where the driver keeps none, or for a stream never written).
   */
  async stat(): Promise<{ count: number; version: string | null }> {
    try {
      const { length, version } = await this.bank.arrayStat(STREAM_TYPE, this.name);
      return { count: length, version };
    } catch (err) {
      if (err instanceof NoSuchThingError) return { count: 0, version: null };
      throw err;
    }
  }

  /** Arrival-order index of an id (its oldest occurrence), or -1. */
  private rawIndexOf(id: string): Promise<number> {
    return this.bank.positionOf(STREAM_TYPE, this.name, id);
  }

  /** True when the id is in the stream. */
  async has(id: string): Promise<boolean> {
    return (await this.rawIndexOf(id)) >= 0;
  }

  /** Removes one occurrence; 400 "id 'X' not found in stream 'Y'" when absent. */
  async remove(id: string): Promise<void> {
    if (!(await this.has(id))) throw this.notFound(id);
    await this.bank.remove(STREAM_TYPE, this.name, id);
  }

  /** Removes an id if present; returns whether it was. */
  async removeIfPresent(id: string): Promise<boolean> {
    if (!(await this.has(id))) return false;
    await this.bank.remove(STREAM_TYPE, this.name, id);
    return true;
  }

  /** Deletes the whole stream. */
  async destroy(): Promise<void> {
    try {
      await this.bank.del(STREAM_TYPE, this.name);
    } catch (err) {
      if (!(err instanceof NoSuchThingError)) throw err;
    }
  }

  /** Newest-first items F[start..end), clamped to the stream. */
  async range(start: number, end: number, total?: number): Promise<string[]> {
    const len = total ?? (await this.count());
    const s = Math.max(0, start);
    const e = Math.min(len, end);
    if (e <= s) return [];
    const raw = await this.bank.slice<string>(STREAM_TYPE, this.name, len - e, len - s);
    return raw.reverse();
  }

  /** Every item, newest first. */
  async all(): Promise<string[]> {
    const len = await this.count();
    return this.range(0, len, len);
  }

  /** Newest-first position of an id; 400 with the stream error text when absent. */
  async positionOf(id: string, total?: number): Promise<number> {
    const len = total ?? (await this.count());
    const raw = await this.rawIndexOf(id);
    if (raw < 0) throw this.notFound(id);
    return len - 1 - raw;
  }

  /**
   * The window [start, end) of the newest-first view selected by paging
   * arguments: default/offset → F[o..o+c); before=F[k] → F[k+1..k+1+c);
   * since=F[k] → F[max(0,k-c)..k).
   */
  async window(args: PageArgs, total?: number): Promise<{ start: number; end: number; total: number }> {
    const len = total ?? (await this.count());
    let start: number;
    if (args.before !== undefined) start = (await this.positionOf(args.before, len)) + 1;
    else if (args.since !== undefined) start = Math.max(0, (await this.positionOf(args.since, len)) - args.count);
    else start = args.offset ?? 0;
    let end = start + args.count;
    if (args.since !== undefined) end = Math.min(end, await this.positionOf(args.since, len));
    return { start, end: Math.min(end, len), total: len };
  }

  /** The ids of one page (unfiltered). */
  async page(args: PageArgs): Promise<{ ids: string[]; total: number }> {
    const w = await this.window(args);
    return { ids: await this.range(w.start, w.end, w.total), total: w.total };
  }

  /**
   * One page of items that pass `keep`, scanning in chunks from the cursor
   * (older-ward for offset/before, newer-ward for since) until `count`
   * items pass or the stream ends. Offsets count passing items. `known`:
   * the stream's size, when the caller has just read it.
   */
  async filteredPage(args: PageArgs, keep: (ids: string[]) => Promise<boolean[]>, known?: number): Promise<{ ids: string[]; total: number }> {
    const total = known ?? (await this.count());
    const want = args.count;
    if (want === 0) return { ids: [], total };
    // Chunks double as the scan goes on: a page far below hidden items
    // (followers-only posts above public ones) costs a few reads, not one per 40.
    let chunk = Math.max(want * 2, 20);
    const grow = (): void => {
      chunk = Math.min(chunk * 2, MAX_SCAN_CHUNK);
    };
    const out: string[] = [];
    if (args.since !== undefined) {
      let pos = await this.positionOf(args.since, total);
      while (pos > 0 && out.length < want) {
        const from = Math.max(0, pos - chunk);
        const ids = await this.range(from, pos, total);
        const flags = await keep(ids);
        const kept = ids.filter((_, i) => flags[i]);
        out.unshift(...kept.slice(Math.max(0, kept.length - (want - out.length))));
        pos = from;
        grow();
      }
      return { ids: out, total };
    }
    let pos = args.before !== undefined ? (await this.positionOf(args.before, total)) + 1 : 0;
    let skip = args.before !== undefined ? 0 : (args.offset ?? 0);
    while (pos < total && out.length < want) {
      const ids = await this.range(pos, pos + chunk, total);
      const flags = await keep(ids);
      for (let i = 0; i < ids.length && out.length < want; i++) {
        if (!flags[i]) continue;
        if (skip > 0) skip--;
        else out.push(ids[i]!);
      }
      pos += chunk;
      grow();
    }
    return { ids: out, total };
  }

  private notFound(id: string): BadRequestError {
    return new BadRequestError(`id '${id}' not found in stream '${this.name}'`);
  }
}

/**
 * Sizes of many streams (0 for a stream never written), in one batched
 * read where the driver can (Bank.lengths). Used when presenting a page of
 * items; reading the streams themselves would cost their whole length.
 */
export function countStreams(bank: Bank, names: Iterable<string>): Promise<Map<string, number>> {
  return bank.lengths(STREAM_TYPE, [...names]);
}

/** Names of the per-user streams. */
export type UserStreamKind =
  | "feed" | "feed/major" | "feed/minor"
  | "inbox" | "inbox/major" | "inbox/minor"
  | "inbox/direct" | "inbox/direct/major" | "inbox/direct/minor"
  | "followers" | "following" | "favorites" | "uploads";

/** Stream naming, one place: `user/<nick>/<kind>`, `object/<id>/<feed>`. */
export const streamNames = {
  user: (nick: string, kind: UserStreamKind): string => `user/${nick}/${kind}`,
  userLists: (nick: string, type: string): string => `user/${nick}/lists/${type}`,
  likes: (objectId: string): string => `object/${objectId}/likes`,
  replies: (objectId: string): string => `object/${objectId}/replies`,
  shares: (objectId: string): string => `object/${objectId}/shares`,
  members: (collectionId: string): string => `object/${collectionId}/members`,
  documents: (groupId: string): string => `object/${groupId}/documents`,
  groupInbox: (groupId: string): string => `object/${groupId}/inbox`,
};
