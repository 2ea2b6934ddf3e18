import type { MetricsSource } from "../metrics/serve";
import type { WorkerMessage } from "./messages";

/** How long a worker waits for the master's metrics before answering 503. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A worker's way to the cluster's metrics: GET /metrics (with the token)
 * reaches one worker, which asks the master; the master gathers every
 * worker's numbers and answers with the text (messages.ts).
 */
export class MasterMetricsClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: { contentType: string; text: string }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly send: (message: WorkerMessage) => boolean) {}

  readonly source: MetricsSource = () =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error("the master did not answer"));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send({ msg: "metricsRequest", id })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error("no master to ask"));
      }
    });

  /** The master's answer. */
  onAnswer(id: number, contentType: string, text: string | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (text === null) p.reject(new Error("the master could not collect the metrics"));
    else p.resolve({ contentType, text });
  }
}
