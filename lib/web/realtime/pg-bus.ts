import type { StreamUpdate } from "../../activity/stream-events";
import type { Logger } from "../../log";
import { InProcessBus, batchMessages, realtimeUpdatesOf, REALTIME_IPC_CMD } from "./bus";

/** What the bus needs of the PostgreSQL driver (lib/databank/postgresql.ts). */
export interface PgNotifier {
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, onMessage: (payload: string) => void, onError?: (err: unknown) => void): Promise<() => Promise<void>>;
}

export const REALTIME_CHANNEL = "pump_realtime";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; batches stay below with room to spare. */
export const NOTIFY_PAYLOAD_LIMIT = 7900;

/**
 * Realtime updates across machines: every worker of every master on one
 * PostgreSQL database LISTENs on one channel, and a worker publishes what
 * its engine wrote with NOTIFY. Each subscriber (this worker's included)
 * gets an update once, from the database, so no master relay is needed
 * and the updates cross machine boundaries.
 */
export class PgBus extends InProcessBus {
  private stop: (() => Promise<void>) | null = null;
  private readonly ready: Promise<void>;

  constructor(
    private readonly db: PgNotifier,
    private readonly log: Logger,
  ) {
    super();
    this.ready = db
      .listen(REALTIME_CHANNEL, (payload) => this.receive(payload), (err) => log.warn({ err }, "realtime listener lost its connection; reconnecting"))
      .then((stop) => {
        this.stop = stop;
      })
      .catch((err: unknown) => log.error({ err }, "cannot listen for realtime updates"));
  }

  /** Resolves once this bus listens (tests wait for it before publishing elsewhere). */
  listening(): Promise<void> {
    return this.ready;
  }

  override publish(update: StreamUpdate): void {
    const payload = JSON.stringify({ cmd: REALTIME_IPC_CMD, update });
    this.db.notify(REALTIME_CHANNEL, payload).catch((err: unknown) => this.log.warn({ err, url: update.url }, "realtime publish failed"));
  }

  override publishMany(updates: StreamUpdate[]): void {
    for (const message of batchMessages(updates, NOTIFY_PAYLOAD_LIMIT)) {
      this.db.notify(REALTIME_CHANNEL, JSON.stringify(message)).catch((err: unknown) => this.log.warn({ err, activity: message.activityId }, "realtime publish failed"));
    }
  }

  override close(): void {
    super.close();
    void this.ready.then(() => this.stop?.());
  }

  private receive(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    for (const u of realtimeUpdatesOf(parsed) ?? []) this.deliver(u);
  }
}
