/** What a long-lived connection is told when its worker shuts down. */
export interface ReconnectHint {
  /** Suggested wait before reconnecting; another worker is already serving. */
  reconnectAfterMs: number;
  reason: "shutdown";
}

/** Closes one long-lived connection, telling its client to reconnect. */
export type CloseWithHint = (hint: ReconnectHint) => void | Promise<void>;

/**
 * The worker's registry of long-lived connections (websockets, event
 * streams). Each registers a "close with reconnect hint" callback when it
 * opens and unregisters when it ends; on shutdown the worker calls them all,
 * so realtime clients move to another worker instead of holding this one's
 * shutdown open until the master kills it.
 */
export class RealtimeConnections {
  private readonly closers = new Set<CloseWithHint>();
  private closing = false;

  /** Registers a connection; returns the function that unregisters it. */
  register(close: CloseWithHint): () => void {
    if (this.closing) {
      // Opened while shutting down: close it right away.
      void Promise.resolve()
        .then(() => close({ reconnectAfterMs: 0, reason: "shutdown" }))
        .catch(() => undefined);
      return () => undefined;
    }
    this.closers.add(close);
    return () => {
      this.closers.delete(close);
    };
  }

  get size(): number {
    return this.closers.size;
  }

  /** Asks every registered connection to close; errors of one do not stop the others. */
  async closeAll(hint: ReconnectHint): Promise<void> {
    this.closing = true;
    const all = [...this.closers];
    this.closers.clear();
    await Promise.allSettled(all.map(async (close) => close(hint)));
  }
}
