import type { Page } from "./collections";

const DEFAULT_LIMIT = 2_000;

interface Entry {
  version: string;
  generation: number;
  page: Page;
}

/**
 * Which ids an anonymous reader's page of a stream holds, remembered per
 * process: a feed whose 20 public posts lie under 1,500 followers-only
 * ones cost a scan of all 1,500 ids (and a verdict each) on every read.
 *
 * An entry is used only while both things it was computed from are
 * unchanged: the stream's version token (Stream.stat: a fresh random token
 * on every append, remove or truncate, in any worker; drivers that keep
 * none give null, and nothing is remembered) and the generation of stored
 * activities (public-verdicts.ts: bumped whenever an activity is saved
 * again, which is the only way its addressing changes). Both are read
 * before the scan, so a change during the scan leaves the entry stale-keyed
 * and never used. A scan that met an id with no stored activity is not
 * remembered (that activity could be stored later without either moving).
 * The ids still go through the same presentation, so a page never shows
 * more than a fresh scan would. Bounded: the oldest go first.
 */
export class PublicPages {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /**
   * The remembered page, when stream `version` and activity `generation`
   * are those it was read under. The stream's length must match too: a
   * worker still running an earlier version during a rolling upgrade
   * appends without moving the version.
   */
  get(key: string, version: string | null, generation: number, length: number): Page | undefined {
    if (version === null) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.version === version && e.generation === generation && e.page.total === length) return e.page;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, version: string | null, generation: number, page: Page): void {
    if (version === null) return;
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { version, generation, page: { ids: [...page.ids], total: page.total } });
  }

  /** Forgets one page (its ids no longer all read back). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
