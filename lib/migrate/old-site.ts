import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MigrateError } from "./context";

/** The parts of the original's config file pump-migrate uses. */
export interface OldSite {
  file: string;
  driver: string;
  params: Record<string, unknown>;
  /** The old `datadir` (uploads are under `<datadir>/uploads`), or null. */
  datadir: string | null;
  hostname: string | null;
  urlPort: number | null;
}

/** Reads the original site's JSON config file (e.g. its /etc/pump.io.json). */
export function readOldSite(file: string, cwd: string): OldSite {
  const path = resolve(cwd, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new MigrateError(`cannot read the old site's config ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new MigrateError(`${path} is not a JSON object`);
  const c = raw as Record<string, unknown>;
  if (typeof c.driver !== "string" || c.driver === "") throw new MigrateError(`${path} names no "driver" (the old site's databank driver, e.g. "redis" or "mongodb")`);
  const params = c.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw new MigrateError(`${path}: "params" must be an object`);
  const urlPort = typeof c.urlPort === "number" ? c.urlPort : typeof c.port === "number" ? c.port : null;
  return {
    file: path,
    driver: c.driver,
    params: params as Record<string, unknown>,
    datadir: typeof c.datadir === "string" ? resolve(dirname(path), c.datadir) : null,
    hostname: typeof c.hostname === "string" ? c.hostname : null,
    urlPort,
  };
}
