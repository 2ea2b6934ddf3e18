import { isAbsolute, join, resolve } from "node:path";
import { DEFAULT_DATADIR, NICKNAME_BLACKLIST, UNSHARED_DRIVERS } from "./defaults";
import type { PumpConfig, RawConfig } from "./types";

export interface DeriveContext {
  cwd: string;
  /** null where there are no uids (Windows). */
  uid: number | null;
  cpuCount: number;
}

const resolvePath = (cwd: string, p: string | null): string | null => (p === null ? null : resolve(cwd, p));

/** Number of cluster workers: `children`, else 1 for in-process drivers, else max(cpus - 1, 2). */
export function workerCount(children: number | null, driver: string, cpuCount: number): number {
  if (children) return children;
  if (UNSHARED_DRIVERS.includes(driver)) return 1;
  // At least two, so a rolling restart always has a worker serving.
  return Math.max(cpuCount - 1, 2);
}

/** The Unix control socket: /var/run/pump.socket for root, /tmp/pump.socket otherwise (as the original, so pumpctl finds it). */
export function defaultControlSocket(uid: number | null): string {
  return uid === 0 ? "/var/run/pump.socket" : "/tmp/pump.socket";
}

/**
 * The first segment of urlPath: behind a proxy that strips the prefix,
 * /pumpio/... is read as the prefix, so no user may be called that.
 */
function urlPathSegment(urlPath: string | null): string[] {
  const first = (urlPath ?? "").split("/").find((s) => s !== "");
  return first === undefined ? [] : [first.toLowerCase()];
}

/**
 * Fills in the derived values of shared/reference/config.md §3 and makes
 * file paths absolute (against the working directory at startup).
 */
export function derive(raw: RawConfig, ctx: DeriveContext): PumpConfig {
  const datadir = resolve(ctx.cwd, raw.datadir ?? DEFAULT_DATADIR);
  let params = raw.params;
  if (raw.driver === "sqlite") {
    const p = { ...params };
    if (typeof p.file === "string" && p.file !== ":memory:" && !isAbsolute(p.file)) p.file = resolve(ctx.cwd, p.file);
    if (typeof p.dir === "string") p.dir = resolve(ctx.cwd, p.dir);
    if (p.file === undefined && p.dir === undefined) p.dir = datadir;
    params = p;
  }
  const children = raw.children === 0 ? null : raw.children;
  const uploaddir = raw.enableUploads ? join(datadir, "uploads") : null;
  return {
    ...raw,
    params,
    address: raw.address ?? raw.hostname,
    urlPort: raw.urlPort ?? raw.port,
    smtpfrom: raw.smtpfrom ?? `no-reply@${raw.hostname}`,
    logLevel: raw.logLevel.toLowerCase(),
    datadir,
    logfile: resolvePath(ctx.cwd, raw.logfile),
    secretFile: resolvePath(ctx.cwd, raw.secretFile),
    key: resolvePath(ctx.cwd, raw.key),
    cert: resolvePath(ctx.cwd, raw.cert),
    favicon: resolvePath(ctx.cwd, raw.favicon),
    children,
    controlSocket: raw.controlSocket === null ? defaultControlSocket(ctx.uid) : resolve(ctx.cwd, raw.controlSocket),
    workers: workerCount(children, raw.driver, ctx.cpuCount),
    uploaddir,
    canUpload: uploaddir !== null,
    haveEmail: raw.smtpserver !== null,
    nicknameBlacklist: [...NICKNAME_BLACKLIST, ...urlPathSegment(raw.urlPath)],
  };
}

/** Freezes an object graph, so no part of the server can change the config. */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
