import { PublicPages } from "./public-pages";

const DEFAULT_LIMIT = 20_000;

/**
 * Whether stored activities address the public, remembered per process, so
 * that an anonymous read of a feed does not read and parse every activity
 * it passes again on each request: a feed of 1,000 followers-only posts
 * above 20 public ones cost 1,000 record reads per page, and a web profile
 * page that counts what a visitor can see read the whole stream.
 *
 * An activity's addressing changes only when it is saved again (PUT
 * /api/activity, a delete, a received copy), and each of those bumps a
 * generation record in the bank (ActivityStore.generation). `check` reads
 * it first, so anything learnt before such a change, in this worker or
 * another, is dropped before it is used; a verdict learnt under an older
 * generation than the current one is not kept. Bounded: the oldest go first.
 */
export class PublicVerdicts {
  private readonly verdicts = new Map<string, boolean>();
  /** Anonymous readers' pages, remembered under the same generation (public-pages.ts). */
  readonly pages = new PublicPages();
  private generation: number | null = null;

  constructor(
    private readonly readGeneration: () => Promise<number>,
    private readonly limit = DEFAULT_LIMIT,
  ) {}

  /**
   * Reads the generation and forgets everything if it moved. Call it before
   * reading the activities; pass what it returns to `set`.
   */
  async check(): Promise<number> {
    const now = await this.readGeneration();
    if (now !== this.generation) {
      this.verdicts.clear();
      this.generation = now;
    }
    return now;
  }

  /** true: public; false: not public; undefined: not known. */
  get(id: string): boolean | undefined {
    return this.verdicts.get(id);
  }

  /** Remembers whether an activity read after the `check` that returned `generation` is public. */
  set(id: string, isPublic: boolean, generation: number): void {
    if (generation !== this.generation || this.verdicts.has(id)) return;
    if (this.verdicts.size >= this.limit) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(id, isPublic);
  }

  /** Forgets one verdict (its activity is no longer stored). */
  forget(id: string): void {
    this.verdicts.delete(id);
  }

  get size(): number {
    return this.verdicts.size;
  }
}
