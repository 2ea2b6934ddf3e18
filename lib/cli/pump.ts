import cluster from "node:cluster";
import { loadConfig, ConfigError, helpText, redactConfig } from "../config";
import { createLogger } from "../log";
import { packageVersion } from "../version";
import { Master } from "../cluster/master";

/**
 * `bin/pump`. In the master process: read the configuration (every config
 * error is caught here, before any worker starts), then run the cluster
 * master, which forks the workers (this same script). In a worker: serve.
 * Exit codes: 0 clean stop, 1 bad configuration or failed start.
 */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  // Required here, not imported: the app (Express, the routes, the drivers'
  // code ...) is the workers' to load; the master never serves, and
  // loading it cost the master ~10 MB of heap and a second of start.
  if (cluster.isWorker) return (require("../cluster/worker-process") as typeof import("../cluster/worker-process")).runWorkerProcess(argv, env);
  let loaded;
  try {
    loaded = loadConfig({ argv, env });
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  switch (loaded.action) {
    case "help":
      process.stdout.write(helpText());
      return;
    case "version":
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case "show-config":
      process.stdout.write(`${JSON.stringify(redactConfig(loaded.config), null, 2)}\n`);
      return;
  }
  const config = loaded.config;
  const log = createLogger(config);
  const version = packageVersion();
  for (const w of loaded.warnings) log.warn(w);
  log.info({ sources: loaded.sources, version }, "configuration loaded");

  const master = new Master({ config, log, version });
  await master.start();
  const result = await master.done;
  // A worker that could not start explained why; say it once, like a config error.
  if (result.startupError) fail(result.startupError);
  process.exit(result.code);
}

function fail(message: string): void {
  process.stderr.write(`pump: ${message}\n`);
  process.exitCode = 1;
}
