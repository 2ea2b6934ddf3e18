import type { RawConfig } from "./types";

/** The value of `secret` in the original's sample file; refusing it keeps copied samples from going live. */
export const SAMPLE_SECRET = "my dog has fleas";

/** Names no user may register, because they collide with server paths. */
export const NICKNAME_BLACKLIST: readonly string[] = [
  "api",
  "oauth",
  "oauth2",
  "public",
  "robots.txt",
  "humans.txt",
  ".well-known",
  "sitemap.xml",
  "favicon.ico",
  "contribute.json",
  "health",
  "metrics",
];

export const LOG_LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace"];

/** Drivers we ship; any other name must be an installed `databank-<name>` package. */
export const BUILTIN_DRIVERS: readonly string[] = ["sqlite", "postgresql", "mongodb", "memory"];

/** Drivers that keep data inside one process: one worker only, nothing shared. */
export const UNSHARED_DRIVERS: readonly string[] = ["memory", "disk", "leveldb"];

/**
 * Built-in defaults: the original's lib/defaults.js (shared/reference/config.md
 * §2) with these deliberate changes:
 * - `driver` is "sqlite" (data in `datadir`), not "memory", so a default
 *   install keeps its data and can run several workers;
 * - `datadir` defaults to "./data" (resolved against the working directory);
 * - `firehose` is null (off): the original pinged ofirehose.com, which is gone;
 * - `bouncePort` (80), `workerShutdownTimeout` (30 s) and `maxUploadSize`
 *   (10 MB; the original had no limit) are new keys;
 * - so are the HTTP connection limits: `httpKeepAliveTimeout` (5 s, Node's
 *   default: short enough that a draining worker, which must wait for idle
 *   kept-alive connections to expire, is done in about 6 s),
 *   `httpHeadersTimeout` (20 s, also the life of a connection that never
 *   sends a byte) and `httpRequestTimeout` (300 s, Node's default: uploads);
 * - Prometheus metrics (`metricsPort`, `metricsToken`) are new and off.
 * `null` for address / urlPort / smtpfrom / controlSocket / datadir means
 * "derive it" (see derive.ts).
 */
export const DEFAULTS: Readonly<RawConfig> = {
  driver: "sqlite",
  params: {},
  hostname: "127.0.0.1",
  address: null,
  port: 31337,
  urlPort: null,
  urlPath: null,
  bounce: false,
  bouncePort: 80,
  secret: null,
  secretFile: null,
  noweb: false,
  site: "pump.io",
  owner: null,
  ownerURL: null,
  mainImage: "images/somefriends.jpg",
  appendFooter: null,
  nologger: false,
  logfile: null,
  logLevel: "info",
  serverUser: null,
  key: null,
  cert: null,
  hsts: false,
  datadir: null,
  enableUploads: false,
  maxUploadSize: 10 * 1024 * 1024,
  debugClient: false,
  firehose: null,
  spamhost: null,
  spamclientid: null,
  spamclientsecret: null,
  disableRegistration: false,
  noCDN: false,
  requireEmail: false,
  smtpserver: null,
  smtpport: 25,
  smtpuser: null,
  smtppass: null,
  smtpusetls: true,
  smtpusessl: false,
  smtpfrom: null,
  smtptimeout: 30000,
  compress: true,
  children: null,
  clients: [],
  users: [],
  sockjs: true,
  cleanupSession: 1200000,
  cleanupNonce: 1200000,
  favicon: null,
  plugins: [],
  scripts: [],
  proxyWhitelist: [],
  federationAllowedAddresses: [],
  activityPubBlockedDomains: [],
  activityPubBlockedActors: [],
  redirectToCanonical: true,
  redirectAddressToCanonical: false,
  trustProxy: false,
  controlSocket: null,
  workerShutdownTimeout: 30000,
  httpKeepAliveTimeout: 5000,
  httpHeadersTimeout: 20000,
  httpRequestTimeout: 300000,
  metricsPort: null,
  metricsToken: null,
};

/** Where `datadir` points when nobody set it (relative to the working directory). */
export const DEFAULT_DATADIR = "./data";
