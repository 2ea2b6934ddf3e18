import { arrivalOf } from "../http/raw-answer";
import type { RequestHandler, Request } from "express";
import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";

/** Where a worker's gauges read their values at scrape time. */
export interface MetricSources {
  /** Jobs waiting in the bank's job queue (site-wide: every worker sees the same queue). */
  queueDepth(): Promise<number>;
  /** Jobs the queue gave up on (site-wide). */
  parkedJobs(): Promise<number>;
  /** Mail waiting to be handed to the SMTP server (site-wide), when email is on. */
  mailDepth?(): Promise<number>;
  /** Realtime (websocket) connections open on this worker. */
  realtimeConnections(): number;
}

/** Seconds; from a fast cached read to a slow upload. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One worker's Prometheus metrics. The master asks every worker for
 * `snapshot()` and adds them up (cluster-metrics.ts): counters and
 * histograms are summed; site-wide gauges (queue) take the largest
 * report, since every worker reads the same queue; per-worker gauges
 * carry the worker's pid as a label so they stay apart.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<"method" | "route" | "status">;
  private readonly failures: Counter<"kind">;
  private sources: MetricSources | null = null;

  constructor(readonly pid: number = process.pid) {
    const registers = [this.registry];
    this.requests = new Histogram({
      name: "pump_http_request_duration_seconds",
      help: "HTTP requests by method, route pattern and status, and how long they took",
      labelNames: ["method", "route", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.failures = new Counter({
      name: "pump_delivery_failures_total",
      help: "Failed delivery attempts (each is retried or, at the last attempt, given up), by kind",
      labelNames: ["kind"],
      registers,
    });
    // Present from the start, so rate() has a zero to begin from.
    for (const kind of ["distribute", "mail"]) this.failures.inc({ kind }, 0);
    const self = this;
    const queue = new Gauge({
      name: "pump_queue_depth",
      help: "Jobs waiting to run (queue=jobs: fan-out and delivery; queue=mail: unsent email)",
      labelNames: ["queue"],
      aggregator: "max",
      registers,
      async collect() {
        await self.read((s) => s.queueDepth(), (n) => queue.set({ queue: "jobs" }, n));
        await self.read((s) => (s.mailDepth ? s.mailDepth() : Promise.resolve(null)), (n) => queue.set({ queue: "mail" }, n));
      },
    });
    const parked = new Gauge({
      name: "pump_queue_parked_jobs",
      help: "Jobs given up after their last attempt, waiting for an admin",
      aggregator: "max",
      registers,
      async collect() {
        await self.read((s) => s.parkedJobs(), (n) => parked.set(n));
      },
    });
    const realtime = new Gauge({
      name: "pump_realtime_connections",
      help: "Open realtime (websocket) connections",
      aggregator: "sum",
      registers,
      collect() {
        if (self.sources) realtime.set(self.sources.realtimeConnections());
      },
    });
    const memory = new Gauge({
      name: "pump_worker_memory_bytes",
      help: "Memory of each worker process (type=rss|heapUsed|heapTotal|external)",
      labelNames: ["worker", "type"],
      aggregator: "sum",
      registers,
      collect() {
        const m = process.memoryUsage();
        const worker = String(self.pid);
        for (const type of ["rss", "heapUsed", "heapTotal", "external"] as const) memory.set({ worker, type }, m[type]);
      },
    });
  }

  /** Connects the gauges to the running app (set once the app exists). */
  setSources(sources: MetricSources): void {
    this.sources = sources;
  }

  /** Counts one failed delivery attempt. */
  deliveryFailed(kind: string): void {
    this.failures.inc({ kind });
  }

  /** Times every request; labelled by the route pattern that answered, never the raw URL. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      // From the request's arrival: the fast lane's raw handlers run this once their answer is known.
      const started = arrivalOf(req);
      res.once("close", () => {
        const status = res.writableFinished ? String(res.statusCode) : "aborted";
        this.requests.observe({ method: methodOf(req), route: routeOf(req, res.statusCode), status }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  /** This worker's values, as the master aggregates them. */
  snapshot(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return this.registry.getMetricsAsJSON();
  }

  /** A failed read (database down) leaves the gauge out of this scrape rather than failing it. */
  private async read(get: (s: MetricSources) => Promise<number | null>, set: (n: number) => void): Promise<void> {
    if (!this.sources) return;
    try {
      const n = await get(this.sources);
      if (n !== null) set(n);
    } catch {
      // The /health endpoint reports the database; metrics stay available.
    }
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** Known methods only, so a client cannot make up label values. */
function methodOf(req: Request): string {
  return METHODS.has(req.method) ? req.method : "other";
}

/** The pattern of the route that answered (/api/user/:nickname/feed), or a fixed word. */
export function routeOf(req: Request, status: number): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && route.path !== undefined) {
    const path = typeof route.path === "string" ? route.path : String(route.path);
    return `${req.baseUrl ?? ""}${path}`;
  }
  return status === 404 ? "(not found)" : "(no route)";
}
