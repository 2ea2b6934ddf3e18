import { isDeepStrictEqual } from "node:util";
import { NoSuchThingError, type Bank } from "../databank";
import { STREAM_TYPE } from "../model/stream";

/** What happened to each record written, per kind (e.g. "note", "stream", "user"). */
export class Tally {
  readonly written = new Map<string, number>();
  readonly unchanged = new Map<string, number>();

  add(kind: string, changed: boolean): void {
    const m = changed ? this.written : this.unchanged;
    m.set(kind, (m.get(kind) ?? 0) + 1);
  }

  kinds(): string[] {
    return [...new Set([...this.written.keys(), ...this.unchanged.keys()])].sort();
  }

  total(m: Map<string, number>): number {
    let n = 0;
    for (const v of m.values()) n += v;
    return n;
  }
}

/**
 * Idempotent writes into our store: a record equal to what is stored is
 * left alone (so a second run changes nothing and a resumed run skips
 * what the interrupted one finished); anything else is saved whole.
 */
export class Target {
  constructor(
    readonly bank: Bank,
    readonly tally: Tally,
  ) {}

  /** Saves `value` under (type, key) unless the same value is already there. */
  async put(kind: string, type: string, key: string, record: Record<string, unknown>): Promise<void> {
    // As it will read back (no undefined props), so an equal record compares equal.
    const value = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
    const stored = await this.bank.find(type, key);
    if (stored !== null && isDeepStrictEqual(stored, value)) {
      this.tally.add(kind, false);
      return;
    }
    await this.bank.save(type, key, value);
    this.tally.add(kind, true);
  }

  /**
   * Makes our stream hold exactly `items` (arrival order). A stream that
   * already does is left alone; any other (e.g. half-written by an
   * interrupted run) is written again from scratch.
   */
  putStream(name: string, items: string[]): Promise<void> {
    return this.putArray("stream", STREAM_TYPE, name, items);
  }

  /** Makes the array (type, id) hold exactly `items`, in order. */
  async putArray(kind: string, type: string, id: string, items: string[]): Promise<void> {
    const current = await this.arrayItems(type, id);
    if (isDeepStrictEqual(current ?? [], items)) {
      this.tally.add(kind, false);
      return;
    }
    if (current !== null) await this.bank.del(type, id);
    // Large streams go in chunks so no single statement carries a whole inbox.
    for (let i = 0; i < items.length; i += 1000) await this.bank.appendAll(type, id, items.slice(i, i + 1000));
    this.tally.add(kind, true);
  }

  /** The array's items, or null when it was never written (an empty stream reads the same). */
  private async arrayItems(type: string, id: string): Promise<string[] | null> {
    try {
      const len = await this.bank.length(type, id);
      return await this.bank.slice<string>(type, id, 0, len);
    } catch (err) {
      if (err instanceof NoSuchThingError) return null;
      throw err;
    }
  }
}
