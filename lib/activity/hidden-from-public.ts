const DEFAULT_LIMIT = 20_000;

/**
 * Ids of stored activities that do not address the public, remembered per
 * process so that an anonymous read of a feed whose newest items are
 * followers-only does not read and parse every one of them again on each
 * request (a feed of 1,000 private posts above 20 public ones cost 1,000
 * record reads per page).
 *
 * An activity's addressing changes only when it is saved again (PUT
 * /api/activity, a delete, a received copy), and each of those bumps a
 * generation record in the bank (ActivityStore.generation). `check` reads
 * it first, so anything learnt before such a change, in this worker or
 * another, is dropped before it is used; an id learnt under an older
 * generation than the current one is not kept. Bounded: the oldest ids go
 * first.
 */
export class HiddenFromPublic {
  private readonly ids = new Set<string>();
  private generation: number | null = null;

  constructor(
    private readonly readGeneration: () => Promise<number>,
    private readonly limit = DEFAULT_LIMIT,
  ) {}

  /**
   * Reads the generation and forgets everything if it moved. Call it before
   * reading the activities; pass what it returns to `add`.
   */
  async check(): Promise<number> {
    const now = await this.readGeneration();
    if (now !== this.generation) {
      this.ids.clear();
      this.generation = now;
    }
    return now;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers a non-public activity read after the `check` that returned `generation`. */
  add(id: string, generation: number): void {
    if (generation !== this.generation || this.ids.has(id)) return;
    if (this.ids.size >= this.limit) this.ids.delete(this.ids.values().next().value as string);
    this.ids.add(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
