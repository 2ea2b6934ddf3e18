import { Databank, type DatabankInstance, type DatabankParams, type Schema } from "databank";
import { Bank } from "./bank";
import type { Logger } from "../log";

export { Bank } from "./bank";
export { TxBank, inTransaction } from "./transaction";
export {
  NoSuchThingError,
  AlreadyExistsError,
  NoSuchItemError,
  WrongTypeError,
  NotConnectedError,
  DatabankError,
} from "databank";
export type { Schema, TypeSchema } from "databank";

/** Drivers whose data lives in one process's memory: no sharing between cluster workers. */
export const UNSHARED_DRIVERS = new Set(["memory", "disk", "leveldb"]);

let registered = false;

/**
 * Registers our built-in drivers with databank's registry so
 * `Databank.get("sqlite" | "postgresql" | "mongodb", params)` finds them. Any other name
 * still resolves to an installed `databank-<name>` package, as in the original.
 */
export function registerDrivers(): void {
  if (registered) return;
  Databank.register("sqlite", lazyDriver(() => require("./sqlite").SqliteDatabank));
  Databank.register("mongodb", lazyDriver(() => require("./mongodb").MongoDatabank));
  Databank.register("postgresql", lazyDriver(() => require("./postgresql").PostgresDatabank));
  registered = true;
}

/**
 * A constructor that loads the real driver module on first use, so a
 * deployment never loads (or fails on) a driver it does not use. `new` on a
 * function that returns an object yields that object.
 */
function lazyDriver(load: () => new (params: DatabankParams) => DatabankInstance): Function {
  return function LazyDriver(params: DatabankParams) {
    const Driver = load();
    return new Driver(params);
  };
}

export interface OpenBankOptions {
  driver: string;
  params: Record<string, unknown>;
  schema: Schema;
  log?: Logger;
}

/** Makes a driver instance through databank's registry and connects it. */
export async function openBank(opts: OpenBankOptions): Promise<Bank> {
  registerDrivers();
  const params = { ...opts.params, schema: { ...(opts.params.schema as Schema | undefined), ...opts.schema } };
  const raw = Databank.get(opts.driver, params);
  const bank = new Bank(raw, opts.driver);
  await bank.connect(params);
  return bank;
}
