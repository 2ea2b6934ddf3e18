import { accessSync, constants } from "node:fs";
import { BUILTIN_DRIVERS, LOG_LEVELS, SAMPLE_SECRET, UNSHARED_DRIVERS } from "./defaults";
import { ConfigError } from "./errors";
import { checkEmailConfig } from "./email";
import type { PumpConfig, RawConfig, SettableKey } from "./types";
import { checkUnbuilt } from "./unbuilt";
import { parseAllowEntry } from "../net/address-check";

export interface ValidateContext {
  raw: RawConfig;
  /** Where each key's winning value came from; absent = built-in default. */
  from: Map<SettableKey, string>;
  uid: number | null;
  /** Resolves an npm package name; throws when it is not installed. */
  resolvePackage: (name: string) => string;
}

const MIN_SECRET_LENGTH = 16;

function origin(ctx: ValidateContext, key: SettableKey): string {
  return ctx.from.get(key) ?? "the built-in default";
}

function checkDriver(c: PumpConfig, ctx: ValidateContext): void {
  const { driver } = c;
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(driver)) {
    throw new ConfigError(`driver: ${JSON.stringify(driver)} (from ${origin(ctx, "driver")}) is not a driver name; use sqlite, postgresql, mongodb or memory.`);
  }
  if (BUILTIN_DRIVERS.includes(driver)) return;
  try {
    ctx.resolvePackage(`databank-${driver}`);
  } catch {
    throw new ConfigError(
      `driver: ${JSON.stringify(driver)} (from ${origin(ctx, "driver")}) is not available: the built-in drivers are ` +
        `${BUILTIN_DRIVERS.join(", ")}; for any other, install its package with "npm install databank-${driver}".`,
    );
  }
}

function checkSecret(c: PumpConfig, ctx: ValidateContext, warnings: string[]): void {
  if (c.noweb) return; // no web UI, no sessions, nothing to sign
  const fix =
    `Set "secret" (in your config file, PUMPIO_SECRET or --secret) to a long random string, ` +
    `e.g. the output of "openssl rand -hex 32", or "secretFile" to a file that holds one (created if missing); ` +
    `or set "noweb": true for an API-only server.`;
  if (c.secret === null) throw new ConfigError(`secret is not set, but the web UI signs session cookies with it. ${fix}`);
  if (c.secret === SAMPLE_SECRET) {
    throw new ConfigError(`secret (from ${origin(ctx, "secret")}) is the published sample value "${SAMPLE_SECRET}", which anyone can use to forge sessions. ${fix}`);
  }
  if (c.secret.length < MIN_SECRET_LENGTH) {
    warnings.push(`secret (from ${origin(ctx, "secret")}) is shorter than ${MIN_SECRET_LENGTH} characters; use a long random string`);
  }
}

function checkTls(c: PumpConfig, ctx: ValidateContext, warnings: string[]): void {
  if ((c.key === null) !== (c.cert === null)) {
    const [set, missing] = c.key !== null ? (["key", "cert"] as const) : (["cert", "key"] as const);
    throw new ConfigError(`${set} is set (from ${origin(ctx, set)}) but ${missing} is not: HTTPS needs both the key file and the certificate file. Set ${missing} too, or remove ${set}.`);
  }
  for (const k of ["key", "cert"] as const) {
    const file = c[k];
    if (file === null) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (e) {
      throw new ConfigError(`${k}: the file ${file} (from ${origin(ctx, k)}) cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): check the path and its permissions.`);
    }
  }
  if (c.bounce && c.key === null) warnings.push(`bounce is on but no key/cert is set: the HTTP→HTTPS redirector only runs with HTTPS (ignored)`);
}

function checkPrivilegedPorts(c: PumpConfig, ctx: ValidateContext): void {
  if (ctx.uid === null || ctx.uid === 0) return;
  const ports: Array<[SettableKey, number]> = [["port", c.port]];
  if (c.bounce && c.key !== null) ports.push(["bouncePort", c.bouncePort]);
  for (const [k, p] of ports) {
    if (p < 1024) {
      throw new ConfigError(
        `${k}: ${p} (from ${origin(ctx, k)}) is below 1024, which only root may listen on, and pump runs as uid ${ctx.uid}. ` +
          `Use a port of 1024 or more (behind a reverse proxy, with urlPort set to the public port), ` +
          `or start pump as root with "serverUser" set so workers drop privileges.`,
      );
    }
  }
}

function checkOther(c: PumpConfig, ctx: ValidateContext, warnings: string[]): void {
  if (/^\s*\d+\s*$/.test(ctx.raw.controlSocket ?? "")) {
    throw new ConfigError(`controlSocket: ${JSON.stringify(ctx.raw.controlSocket)} (from ${origin(ctx, "controlSocket")}) looks like a port number; it must be the path of a Unix socket file, e.g. /tmp/pump.socket (TCP is not supported).`);
  }
  if (!LOG_LEVELS.includes(c.logLevel)) {
    throw new ConfigError(`logLevel: ${JSON.stringify(ctx.raw.logLevel)} (from ${origin(ctx, "logLevel")}) is not a log level; use one of ${LOG_LEVELS.join(", ")}.`);
  }
  if (/[\s/]/.test(c.hostname) || c.hostname.includes("://")) {
    throw new ConfigError(`hostname: ${JSON.stringify(c.hostname)} (from ${origin(ctx, "hostname")}) must be a bare host name such as social.example.com, without scheme, path or spaces (set the port with urlPort).`);
  }
  if (c.spamhost !== null) {
    if (c.spamclientid === null || c.spamclientsecret === null) {
      throw new ConfigError(`spamhost is set (from ${origin(ctx, "spamhost")}) but spamclientid and spamclientsecret are not both set: the spam server needs its OAuth client id and secret. Set both, or remove spamhost.`);
    }
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(c.spamhost).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`spamhost: ${JSON.stringify(c.spamhost)} (from ${origin(ctx, "spamhost")}) must be a URL with scheme, e.g. https://spamicity.info`);
  }
  for (const entry of c.federationAllowedAddresses) {
    try {
      parseAllowEntry(entry);
    } catch (e) {
      throw new ConfigError(`federationAllowedAddresses (from ${origin(ctx, "federationAllowedAddresses")}): ${(e as Error).message}; list addresses or CIDR ranges such as "127.0.0.0/8" or "fd00::/8".`);
    }
  }
  if (c.requireEmail && c.smtpserver === null) {
    throw new ConfigError(`requireEmail is on (from ${origin(ctx, "requireEmail")}) but smtpserver is not set, so no confirmation email could ever be sent. Set smtpserver (and smtpport, smtpuser, smtppass as needed), or turn requireEmail off.`);
  }
  if (c.httpHeadersTimeout > c.httpRequestTimeout) {
    throw new ConfigError(`httpHeadersTimeout: ${c.httpHeadersTimeout} (from ${origin(ctx, "httpHeadersTimeout")}) is longer than httpRequestTimeout (${c.httpRequestTimeout}, from ${origin(ctx, "httpRequestTimeout")}): the headers are part of the request. Lower httpHeadersTimeout or raise httpRequestTimeout.`);
  }
  if (c.workerShutdownTimeout <= c.httpKeepAliveTimeout + 1000) {
    warnings.push(`workerShutdownTimeout (${c.workerShutdownTimeout} ms) is not longer than httpKeepAliveTimeout (${c.httpKeepAliveTimeout} ms) + 1 s: a restarting worker may be killed before its idle kept-alive connections expire, and a client reusing one then sees a reset`);
  }
  if (c.driver === "memory") {
    warnings.push(`driver "memory" keeps all data in the worker's memory: it is lost on exit and not shared between workers (use it for tests only)`);
  }
  if (UNSHARED_DRIVERS.includes(c.driver) && c.workers > 1) {
    warnings.push(`children is ${c.workers} with driver "${c.driver}": each worker gets its own private database; set children to 1 or use sqlite, postgresql or mongodb`);
  }
}

/**
 * Checks rules that involve more than one key or the environment. Each
 * failure throws one ConfigError naming the key, where it was set and what
 * to do; softer problems are pushed onto `warnings`.
 */
export function validate(c: PumpConfig, ctx: ValidateContext, warnings: string[]): void {
  // First: a feature that does not exist is the news, not how it is set up.
  checkUnbuilt(ctx.raw, (k) => origin(ctx, k));
  checkDriver(c, ctx);
  checkSecret(c, ctx, warnings);
  checkOther(c, ctx, warnings);
  checkEmailConfig(c, (k) => origin(ctx, k), warnings);
  checkTls(c, ctx, warnings);
  checkPrivilegedPorts(c, ctx);
}
