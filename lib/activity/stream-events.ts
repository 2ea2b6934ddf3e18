/**
 * "An activity was added to a stream" events, for realtime delivery
 * (webui.md §6, cluster.md §7). The engine fires them after placing an
 * activity in a user's outbox or inbox, or a group's inbox, with the API
 * URL of each stream it went into; listeners (the realtime bus) must not
 * throw and must not slow the write down: they get the event synchronously
 * and do their own work later.
 */

/** One activity added to one stream. */
export interface StreamUpdate {
  /** The stream's API URL, e.g. `https://host/api/user/alice/inbox/major`. */
  url: string;
  /** The activity's id. */
  activityId: string;
  /** The activity's uuid (for `engine.getActivity`), when it has one. */
  uuid: string | null;
}

export type StreamListener = (update: StreamUpdate) => void;
/** Hears the updates of one write together (a fan-out's thousands of inboxes in one call). */
export type StreamBatchListener = (updates: StreamUpdate[]) => void;

/** A small listener list; a listener's error never reaches the writer. */
export class StreamEvents {
  private readonly listeners = new Set<StreamBatchListener>();

  /** Adds a listener of single updates; returns the function that removes it. */
  on(listener: StreamListener): () => void {
    return this.onBatch((updates) => {
      for (const u of updates) {
        try {
          listener(u);
        } catch {
          // As emit: a broken listener must not fail the post that triggered it.
        }
      }
    });
  }

  /** Adds a listener of batches (one call per write); returns the function that removes it. */
  onBatch(listener: StreamBatchListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(update: StreamUpdate): void {
    this.emitBatch([update]);
  }

  /** Tells every listener of the updates of one write at once. */
  emitBatch(updates: StreamUpdate[]): void {
    if (updates.length === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(updates);
      } catch {
        // A broken listener must not fail the post that triggered it.
      }
    }
  }
}

/**
 * Events of a transaction's writes, held back until it commits (then
 * `flush` passes them on): a listener told earlier could read the stream
 * before the activity is in it. Listeners are the target's.
 */
export class DeferredStreamEvents extends StreamEvents {
  private readonly held: StreamUpdate[] = [];

  constructor(private readonly target: StreamEvents) {
    super();
  }

  override onBatch(listener: StreamBatchListener): () => void {
    return this.target.onBatch(listener);
  }

  override get size(): number {
    return this.target.size;
  }

  // `emit` goes through emitBatch, so holding here holds both.
  override emitBatch(updates: StreamUpdate[]): void {
    this.held.push(...updates);
  }

  flush(): void {
    this.target.emitBatch(this.held.splice(0));
  }
}
