import { loadConfig, type PumpConfig } from "../config";
import { openBank, type Bank } from "../databank";
import { createLogger, type Logger } from "../log";
import { SCHEMA } from "../model/schema";
import { UrlMaker } from "../url-maker";
import { createEngine, type Engine } from "../activity";
import { BankSessionStore } from "../web/session-store";

/** The site an admin tool works on: the server's configuration, its bank, and the engine over it. */
export interface AdminSite {
  config: Readonly<PumpConfig>;
  bank: Bank;
  log: Logger;
  urls: UrlMaker;
  engine: Engine;
  /** The web sessions every worker shares (to log an account out). */
  sessions: BankSessionStore;
  /** Stops the engine's queue and closes the bank. */
  close(): Promise<void>;
}

export interface OpenSiteOptions {
  /** Log at the configured level instead of only warnings (--verbose). */
  verbose?: boolean;
}

/**
 * Opens the site as the server sees it: the same configuration (config
 * files, PUMPIO_* variables and the given --KEY flags, read by lib/config)
 * and the same bank. Everything goes through the bank, so it is safe beside
 * a running server on SQLite (WAL, one writer at a time, waiting its turn)
 * or PostgreSQL. Throws ConfigError for a configuration pump would refuse.
 */
export async function openSite(configArgv: string[], env: Record<string, string | undefined>, opts: OpenSiteOptions = {}): Promise<AdminSite> {
  const { config, warnings } = loadConfig({ argv: configArgv, env, purpose: "tool" });
  // Tools print their own messages; the log gets warnings and worse unless asked.
  const log = createLogger({ ...config, logLevel: opts.verbose ? config.logLevel : "warn" }, "pump.io").child({ component: "admin" });
  for (const w of warnings) log.warn(w);
  const bank = await openBank({ driver: config.driver, params: config.params, schema: SCHEMA, log });
  const urls = new UrlMaker(config);
  const engine = createEngine({ bank, urls, config, log: log.child({ component: "activity" }) });
  return {
    config,
    bank,
    log,
    urls,
    engine,
    sessions: new BankSessionStore(bank),
    async close() {
      await engine.queue.close().catch(() => undefined);
      await bank.disconnect();
    },
  };
}
