import type { StreamUpdate } from "../../activity/stream-events";

/**
 * Carries "activity added to stream" updates to every process that holds
 * realtime sockets. A worker publishes what its engine wrote; every
 * subscriber on every worker (this one included) gets it once. The
 * multi-machine deployment can swap in a shared pub/sub with the same
 * two methods.
 */
export interface RealtimeBus {
  publish(update: StreamUpdate): void;
  /** Returns the function that unsubscribes. */
  subscribe(handler: (update: StreamUpdate) => void): () => void;
  /** Stops listening to the transport (shutdown). */
  close(): void;
}

/** The IPC message between workers and the master (cluster.md §7, our own name). */
export const REALTIME_IPC_CMD = "realtime-update";

export interface RealtimeIpcMessage {
  cmd: typeof REALTIME_IPC_CMD;
  update: StreamUpdate;
}

/** Narrows an IPC payload to a realtime update message, or null. */
export function asRealtimeIpc(value: unknown): RealtimeIpcMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.cmd !== REALTIME_IPC_CMD || typeof m.update !== "object" || m.update === null) return null;
  const u = m.update as Record<string, unknown>;
  if (typeof u.url !== "string" || typeof u.activityId !== "string") return null;
  if (u.uuid !== null && typeof u.uuid !== "string") return null;
  return { cmd: REALTIME_IPC_CMD, update: { url: u.url, activityId: u.activityId, uuid: u.uuid as string | null } };
}

/** Delivers to this process's subscribers only: one process, or tests. */
export class InProcessBus implements RealtimeBus {
  protected readonly handlers = new Set<(update: StreamUpdate) => void>();

  publish(update: StreamUpdate): void {
    this.deliver(update);
  }

  subscribe(handler: (update: StreamUpdate) => void): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  close(): void {
    this.handlers.clear();
  }

  protected deliver(update: StreamUpdate): void {
    for (const h of [...this.handlers]) {
      try {
        h(update);
      } catch {
        // One subscriber's failure must not starve the others.
      }
    }
  }
}

/** What the IPC bus needs of a cluster worker process (so tests can hand it a real child's channel). */
export interface IpcChannel {
  send?(message: unknown): unknown;
  readonly connected?: boolean;
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
}

/**
 * A cluster worker's bus: delivers locally right away and sends the update
 * to the master, which relays it to every other worker
 * (lib/cluster/realtime-relay.ts); updates relayed from others arrive as
 * IPC messages.
 */
export class IpcBus extends InProcessBus {
  private readonly onMessage = (raw: unknown): void => {
    const m = asRealtimeIpc(raw);
    if (m) this.deliver(m.update);
  };

  constructor(private readonly channel: IpcChannel) {
    super();
    channel.on("message", this.onMessage);
  }

  override publish(update: StreamUpdate): void {
    this.deliver(update);
    if (this.channel.send && this.channel.connected !== false) {
      const message: RealtimeIpcMessage = { cmd: REALTIME_IPC_CMD, update };
      try {
        this.channel.send(message);
      } catch {
        // The master is gone (we are shutting down): local delivery already happened.
      }
    }
  }

  override close(): void {
    super.close();
    this.channel.off("message", this.onMessage);
  }
}
