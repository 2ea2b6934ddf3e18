import { AggregatorRegistry, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];

/** A worker as the collector sees it: who it is and how to ask it. */
export interface MetricsPeer {
  pid: number;
  /** Sends `{cmd: "collectMetrics", id}`; false when the worker cannot be reached. */
  ask(id: number): boolean;
}

/** How long the master waits for a worker's numbers (a busy or dying worker is left out of that scrape). */
export const COLLECT_TIMEOUT_MS = 3000;

/**
 * The cluster's Prometheus metrics, gathered by the master: it asks every
 * serving worker for its snapshot over the cluster IPC channel, adds them
 * up (prom-client's AggregatorRegistry.aggregate) and adds its own:
 * how many workers serve and how many answered this scrape.
 */
export class ClusterMetrics {
  private nextId = 1;
  private readonly pending = new Map<number, { expect: Set<number>; got: Snapshot[]; done: () => void }>();
  private readonly own = new Registry();
  private readonly workersGauge: Gauge;
  private readonly answeredGauge: Gauge;

  constructor(private readonly peers: () => MetricsPeer[]) {
    this.workersGauge = new Gauge({ name: "pump_cluster_workers", help: "Workers serving", registers: [this.own] });
    this.answeredGauge = new Gauge({ name: "pump_cluster_workers_reporting", help: "Workers whose numbers are in this scrape", registers: [this.own] });
  }

  /** A worker's reply to `collectMetrics` (ignored when its request already timed out). */
  onSnapshot(pid: number, id: number, metrics: unknown): void {
    const req = this.pending.get(id);
    if (!req || !req.expect.delete(pid) || !Array.isArray(metrics)) return;
    req.got.push(metrics as Snapshot);
    if (req.expect.size === 0) req.done();
  }

  /** The whole cluster's metrics in Prometheus text format. */
  async collect(timeoutMs = COLLECT_TIMEOUT_MS): Promise<{ contentType: string; text: string }> {
    const id = this.nextId++;
    const peers = this.peers();
    const got: Snapshot[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const expect = new Set<number>();
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.pending.set(id, { expect, got, done: finish });
      for (const p of peers) if (p.ask(id)) expect.add(p.pid);
      if (expect.size === 0) finish();
    });
    this.pending.delete(id);
    this.workersGauge.set(peers.length);
    this.answeredGauge.set(got.length);
    const merged = Registry.merge([AggregatorRegistry.aggregate(got), this.own]);
    return { contentType: merged.contentType, text: await merged.metrics() };
  }
}
