import { loadConfig, ConfigError, LOG_LEVELS } from "../config";
import { createLogger, type Logger } from "../log";
import { asMasterMessage, type WorkerMessage } from "./messages";
import { startWorker, StartupError, type RunningWorker } from "./worker";
import { MasterMetricsClient } from "./metrics-client";

/**
 * The body of a cluster worker process (forked by the master from the code
 * now on disk, with the master's argv and environment). It reads the
 * configuration again, so an edited config file reaches new workers; serves;
 * reports `listening` (or why it could not start) to the master; and shuts
 * down gracefully when the master asks.
 */
export async function runWorkerProcess(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  let shutdownRequested = false;
  let running: RunningWorker | null = null;
  let log: Logger | null = null;
  let serving: RunningWorker | null = null;
  const metricsClient = new MasterMetricsClient((message) => {
    if (!process.send || !process.connected) return false;
    process.send(message);
    return true;
  });

  const shutdown = (why: string) => {
    if (shutdownRequested && running === null) return;
    shutdownRequested = true;
    if (running === null) return; // still starting: shut down as soon as it is up
    const worker = running;
    running = null;
    log?.info({ why }, "graceful shutdown requested");
    // No deadline of our own: the master kills us after workerShutdownTimeout.
    worker.close(Infinity).then(
      () => process.exit(0),
      (err) => {
        log?.error({ err }, "error while shutting down");
        process.exit(1);
      },
    );
  };

  // Ctrl-C reaches the whole process group: the master stops us in order.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("message", (raw: unknown) => {
    const message = asMasterMessage(raw);
    if (message?.cmd === "gracefulShutdown") shutdown("master");
    else if (message?.cmd === "logLevel" && log && (LOG_LEVELS.includes(message.level) || message.level === "silent")) log.level = message.level;
    else if (message?.cmd === "collectMetrics" && serving) {
      const { id } = message;
      serving.metrics.snapshot().then(
        (metrics) => send({ msg: "metrics", id, metrics }),
        (err: unknown) => log?.warn({ err }, "could not collect this worker's metrics"),
      );
    } else if (message?.cmd === "clusterMetrics") metricsClient.onAnswer(message.id, message.contentType, message.text);
  });

  let config;
  try {
    config = loadConfig({ argv, env }).config;
  } catch (err) {
    const text = err instanceof ConfigError ? err.message : `cannot read the configuration: ${(err as Error).message}`;
    return failStartup({ msg: "startupFailed", error: text });
  }
  log = createLogger(config);
  try {
    running = await startWorker(config, log, { metricsSource: metricsClient.source, warmUp: true });
    serving = running;
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    log.fatal({ err: err.cause ?? err }, err.message);
    return failStartup({ msg: err.phase === "listen" ? "abortRestart" : "startupFailed", error: err.message });
  }
  send({ msg: "listening" });
  if (shutdownRequested) shutdown("requested during startup");
}

function send(message: WorkerMessage, then?: () => void): void {
  if (process.send && process.connected) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

/** Tells the master why we could not start (it prints the message once), then exits 1. */
function failStartup(message: WorkerMessage): void {
  send(message, () => process.exit(1));
}
