import type { PumpConfig } from "../config";
import { UNSHARED_DRIVERS, openBank } from "../databank";
import type { Logger } from "../log";
import { SCHEMA } from "../model/schema";
import { listParkedJobs, retryParkedJobs } from "../queue/admin";

/**
 * The control socket's JOBS command, in the master (which holds no bank):
 * `JOBS` answers `ACK <JSON array of parked jobs>`; `JOBS RETRY <id>` and
 * `JOBS RETRY --all` put parked jobs back in the queue and answer
 * `ACK <how many>`. The bank is opened for the command and closed after,
 * so the master holds no connection in between.
 */
export function jobsCommand(config: Readonly<PumpConfig>, log: Logger): (params: string[]) => Promise<string> {
  return async (params) => {
    const [sub, arg, extra] = params;
    const retry = sub?.toUpperCase() === "RETRY";
    if ((sub !== undefined && !retry) || (retry && (!arg || extra !== undefined))) return "NACK usage";
    // Each worker of these drivers has its own data: the master cannot see their queues.
    if (UNSHARED_DRIVERS.has(config.driver)) return "NACK bad driver";
    const bank = await openBank({ driver: config.driver, params: config.params, schema: SCHEMA, log });
    try {
      if (!retry) return `ACK ${JSON.stringify(await listParkedJobs(bank, log))}`;
      const n = await retryParkedJobs(bank, log, arg === "--all" ? "all" : { id: arg });
      if (n === 0 && arg !== "--all") return "NACK no such parked job";
      log.info({ socketCmd: "JOBS", retried: n }, "parked jobs put back in the queue");
      return `ACK ${n}`;
    } finally {
      await bank.disconnect().catch(() => undefined);
    }
  };
}
