import type { Bank } from "../databank";
import type { PumpConfig } from "../config";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import type { UserRecord } from "../model/user";
import { ensureConfiguredClients, ensureConfiguredUsers } from "./configured";
import { startNonceCleanup, type Stoppable } from "./nonce";

/**
 * What a worker runs once at startup, after opening the bank: configured
 * clients and users, and the periodic nonce purge. Call `stop()` on shutdown.
 */
export async function startOAuthServices(opts: {
  bank: Bank;
  config: Readonly<PumpConfig>;
  urls: UrlMaker;
  log: Logger;
  afterRegister?: (user: UserRecord) => Promise<void>;
}): Promise<Stoppable> {
  const log = opts.log.child({ component: "oauth" });
  await ensureConfiguredClients(opts.bank, opts.config, log);
  await ensureConfiguredUsers(opts.bank, opts.config, opts.urls, log, opts.afterRegister);
  return startNonceCleanup(opts.bank, opts.config.cleanupNonce, log);
}
