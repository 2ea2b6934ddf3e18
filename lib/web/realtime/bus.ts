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
  /** Publishes the updates of one write together (few messages for a fan-out's thousands of streams). */
  publishMany(updates: StreamUpdate[]): void;
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

/**
 * Many updates of one activity in one message: they share its id and
 * uuid, so only the stream URLs are listed (a fan-out's 20,000 inbox
 * updates become a handful of IPC messages or NOTIFYs, not 20,000).
 */
export interface RealtimeBatchMessage {
  cmd: typeof REALTIME_IPC_CMD;
  activityId: string;
  uuid: string | null;
  urls: string[];
}

/** Narrows an IPC payload to a batch of updates, or null. */
export function asRealtimeBatch(value: unknown): RealtimeBatchMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.cmd !== REALTIME_IPC_CMD || typeof m.activityId !== "string" || !Array.isArray(m.urls)) return null;
  if (m.uuid !== null && typeof m.uuid !== "string") return null;
  if (!m.urls.every((u) => typeof u === "string")) return null;
  return { cmd: REALTIME_IPC_CMD, activityId: m.activityId, uuid: m.uuid as string | null, urls: [...(m.urls as string[])] };
}

/** The updates a realtime message carries (single or batch), or null for anything else. */
export function realtimeUpdatesOf(value: unknown): StreamUpdate[] | null {
  const one = asRealtimeIpc(value);
  if (one) return [one.update];
  const batch = asRealtimeBatch(value);
  return batch ? batch.urls.map((url) => ({ url, activityId: batch.activityId, uuid: batch.uuid })) : null;
}

/**
 * Batch messages for updates, one activity per message, each message's
 * JSON at most `maxBytes` (PostgreSQL's NOTIFY payload limit) as long as
 * a single URL fits.
 */
export function batchMessages(updates: StreamUpdate[], maxBytes = Infinity): RealtimeBatchMessage[] {
  const out: RealtimeBatchMessage[] = [];
  let current: RealtimeBatchMessage | null = null;
  let size = 0;
  for (const u of updates) {
    const extra = Buffer.byteLength(JSON.stringify(u.url)) + 1;
    if (!current || current.activityId !== u.activityId || current.uuid !== u.uuid || (current.urls.length > 0 && size + extra > maxBytes)) {
      current = { cmd: REALTIME_IPC_CMD, activityId: u.activityId, uuid: u.uuid, urls: [] };
      size = Buffer.byteLength(JSON.stringify(current));
      out.push(current);
    }
    current.urls.push(u.url);
    size += extra;
  }
  return out;
}

/** Delivers to this process's subscribers only: one process, or tests. */
export class InProcessBus implements RealtimeBus {
  protected readonly handlers = new Set<(update: StreamUpdate) => void>();

  publish(update: StreamUpdate): void {
    this.deliver(update);
  }

  publishMany(updates: StreamUpdate[]): void {
    for (const u of updates) this.publish(u);
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
    for (const u of realtimeUpdatesOf(raw) ?? []) this.deliver(u);
  };

  constructor(private readonly channel: IpcChannel) {
    super();
    channel.on("message", this.onMessage);
  }

  override publish(update: StreamUpdate): void {
    this.deliver(update);
    const message: RealtimeIpcMessage = { cmd: REALTIME_IPC_CMD, update };
    this.send(message);
  }

  override publishMany(updates: StreamUpdate[]): void {
    for (const u of updates) this.deliver(u);
    for (const message of batchMessages(updates)) this.send(message);
  }

  private send(message: RealtimeIpcMessage | RealtimeBatchMessage): void {
    if (!this.channel.send || this.channel.connected === false) return;
    try {
      this.channel.send(message);
    } catch {
      // The master is gone (we are shutting down): local delivery already happened.
    }
  }

  override close(): void {
    super.close();
    this.channel.off("message", this.onMessage);
  }
}
