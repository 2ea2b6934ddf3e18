/**
 * Messages between the cluster master and its workers (Node cluster IPC).
 * Master -> worker messages carry `cmd`; worker -> master messages carry `msg`,
 * as in the original pump.io, so the two directions never mix.
 */

/** Master -> worker. */
export type MasterMessage =
  /** Stop accepting, finish in-flight requests, close the bounce server and the bank, then exit 0. */
  | { cmd: "gracefulShutdown" }
  /** Set the worker's root logger level. */
  | { cmd: "logLevel"; level: string }
  /** Send your metrics snapshot (prom-client JSON), tagged with this id. */
  | { cmd: "collectMetrics"; id: number }
  /** The cluster's metrics text, answering the worker's `metricsRequest` of this id (text null: unavailable). */
  | { cmd: "clusterMetrics"; id: number; contentType: string; text: string | null };

/** Worker -> master. */
export type WorkerMessage =
  /** The main server (and the bounce server, if any) are bound: the worker serves. */
  | { msg: "listening" }
  /** The worker could not bind its ports; it exits 1 right after. */
  | { msg: "abortRestart"; error: string }
  /** Any other startup failure (config, database, TLS files ...); it exits 1 right after. */
  | { msg: "startupFailed"; error: string }
  /** This worker's metrics snapshot, answering `collectMetrics` of this id. */
  | { msg: "metrics"; id: number; metrics: unknown[] }
  /** Please send the whole cluster's metrics (GET /metrics with the token reached this worker). */
  | { msg: "metricsRequest"; id: number };

/** Narrows an IPC payload to a worker message we know, or returns null. */
export function asWorkerMessage(value: unknown): WorkerMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.msg === "listening") return { msg: "listening" };
  if ((m.msg === "abortRestart" || m.msg === "startupFailed") && typeof m.error === "string") {
    return { msg: m.msg, error: m.error };
  }
  if (m.msg === "metrics" && Number.isSafeInteger(m.id) && Array.isArray(m.metrics)) return { msg: "metrics", id: m.id as number, metrics: m.metrics };
  if (m.msg === "metricsRequest" && Number.isSafeInteger(m.id)) return { msg: "metricsRequest", id: m.id as number };
  return null;
}

/** Narrows an IPC payload to a master message we know, or returns null. */
export function asMasterMessage(value: unknown): MasterMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.cmd === "gracefulShutdown") return { cmd: "gracefulShutdown" };
  if (m.cmd === "logLevel" && typeof m.level === "string") return { cmd: "logLevel", level: m.level };
  if (m.cmd === "collectMetrics" && Number.isSafeInteger(m.id)) return { cmd: "collectMetrics", id: m.id as number };
  if (m.cmd === "clusterMetrics" && Number.isSafeInteger(m.id) && typeof m.contentType === "string" && (typeof m.text === "string" || m.text === null)) {
    return { cmd: "clusterMetrics", id: m.id as number, contentType: m.contentType, text: m.text };
  }
  return null;
}
