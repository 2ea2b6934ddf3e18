import { asRealtimeBatch, asRealtimeIpc } from "../web/realtime/bus";

/** What the relay needs of a cluster worker handle. */
export interface RelayTarget {
  readonly id: number;
  isConnected(): boolean;
  send(message: unknown): boolean;
}

/**
 * The master's half of realtime fan-out (cluster.md §7): an update one
 * worker's engine wrote is forwarded to every OTHER live worker (the
 * sender has already delivered it to its own sockets); each worker then
 * pushes it to its sockets that follow the stream and may see it.
 * Returns true when `message` was a realtime update (handled here), so
 * the master's own dispatch can ignore it.
 */
export function relayRealtime(from: { id: number }, message: unknown, workers: Iterable<RelayTarget>): boolean {
  const m = asRealtimeIpc(message) ?? asRealtimeBatch(message);
  if (!m) return false;
  for (const w of workers) {
    if (w.id === from.id || !w.isConnected()) continue;
    try {
      w.send(m);
    } catch {
      // A worker that just died: it has no sockets left to push to.
    }
  }
  return true;
}
