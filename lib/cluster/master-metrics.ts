import type { PumpConfig } from "../config";
import type { Logger } from "../log";
import { ClusterMetrics } from "../metrics/cluster-metrics";
import { startMetricsServer } from "../metrics/serve";
import type { MasterMessage, WorkerMessage } from "./messages";
import type { WorkerRecord } from "./records";

/**
 * The master's share of the metrics: it gathers every serving worker's
 * numbers over IPC (lib/metrics/cluster-metrics.ts), serves them on
 * `metricsPort`, and answers a worker that got GET /metrics with the
 * token on the main port.
 */
export class MasterMetrics {
  private readonly cluster: ClusterMetrics;
  private server: { close(): Promise<void> } | null = null;

  constructor(
    private readonly config: Readonly<PumpConfig>,
    private readonly log: Logger,
    listening: () => WorkerRecord[],
    private readonly send: (rec: WorkerRecord, message: MasterMessage) => boolean,
  ) {
    this.cluster = new ClusterMetrics(() => listening().map((rec) => ({ pid: rec.pid, ask: (id) => this.send(rec, { cmd: "collectMetrics", id }) })));
  }

  /** Opens the metrics port when `metricsPort` is set; a failure is logged, and serving goes on. */
  async start(): Promise<void> {
    const port = this.config.metricsPort;
    if (port === null) return;
    try {
      const s = await startMetricsServer({ port, address: this.config.address, token: this.config.metricsToken, source: () => this.cluster.collect(), log: this.log });
      this.server = s;
      this.log.info({ address: this.config.address, port: s.port, token: this.config.metricsToken !== null, event: "metrics-listening" }, "serving metrics");
    } catch (err) {
      this.log.error({ port, error: (err as Error).message }, "metrics port disabled; set metricsPort to a free port");
    }
  }

  /** Handles the metrics messages of a worker; false for any other message. */
  handle(rec: WorkerRecord, message: WorkerMessage): boolean {
    if (message.msg === "metrics") {
      this.cluster.onSnapshot(rec.pid, message.id, message.metrics);
      return true;
    }
    if (message.msg === "metricsRequest") {
      const { id } = message;
      this.cluster.collect().then(
        ({ contentType, text }) => this.send(rec, { cmd: "clusterMetrics", id, contentType, text }),
        (err: unknown) => {
          this.log.warn({ err }, "could not collect metrics");
          this.send(rec, { cmd: "clusterMetrics", id, contentType: "text/plain", text: null });
        },
      );
      return true;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}
