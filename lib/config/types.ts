/**
 * The typed, frozen configuration every part of the server receives.
 * Keys and meanings follow the original pump.io (shared/reference/config.md)
 * so existing pump.io.json files keep working.
 */
export interface ConfiguredClient {
  client_id: string;
  client_secret: string;
  title?: string;
  description?: string;
  host?: string;
}

export interface ConfiguredUser {
  nickname: string;
  password: string;
  tokens?: Array<{ token: string; token_secret?: string; client_id: string; scope?: string }>;
  [key: string]: unknown;
}

export interface PumpConfig {
  driver: string;
  params: Record<string, unknown>;
  hostname: string;
  address: string;
  port: number;
  urlPort: number;
  urlPath: string | null;
  bounce: boolean;
  /** Port of the HTTP->HTTPS bounce listener (new; the original always used 80). */
  bouncePort: number;
  secret: string | null;
  /** File holding the secret, created with a random one when missing; used when `secret` is not set (new). */
  secretFile: string | null;
  noweb: boolean;
  site: string;
  owner: string | null;
  ownerURL: string | null;
  mainImage: string;
  appendFooter: string | null;
  nologger: boolean;
  logfile: string | null;
  logLevel: string;
  serverUser: string | null;
  key: string | null;
  cert: string | null;
  hsts: boolean | Record<string, unknown>;
  datadir: string | null;
  enableUploads: boolean;
  /** Largest file an upload may be, in bytes (new; the original had no limit): bigger ones get a 413. */
  maxUploadSize: number;
  debugClient: boolean;
  firehose: string | null;
  spamhost: string | null;
  spamclientid: string | null;
  spamclientsecret: string | null;
  disableRegistration: boolean;
  noCDN: boolean;
  requireEmail: boolean;
  smtpserver: string | null;
  smtpport: number;
  smtpuser: string | null;
  smtppass: string | null;
  smtpusetls: boolean;
  smtpusessl: boolean;
  smtpfrom: string;
  smtptimeout: number;
  compress: boolean;
  children: number | null;
  clients: ConfiguredClient[];
  users: ConfiguredUser[];
  sockjs: boolean;
  cleanupSession: number;
  cleanupNonce: number;
  favicon: string | null;
  plugins: string[];
  scripts: string[];
  proxyWhitelist: string[];
  /**
   * Private, loopback or link-local addresses (CIDRs or single addresses)
   * that server-to-server requests may reach anyway (new; default none:
   * only public addresses are contacted).
   */
  federationAllowedAddresses: string[];
  /** ActivityPub moderation: servers (and their subdomains) whose activities are refused. */
  activityPubBlockedDomains: string[];
  /** ActivityPub moderation: remote actor ids whose activities are refused. */
  activityPubBlockedActors: string[];
  redirectToCanonical: boolean;
  redirectAddressToCanonical: boolean;
  /**
   * Express' `trust proxy` (new): false (default: X-Forwarded-* ignored),
   * true (trust every hop), a number of hops, or addresses/subnets/names.
   */
  trustProxy: boolean | number | string[];
  controlSocket: string;
  /** Milliseconds a worker may take to drain on shutdown before it is killed (new). */
  workerShutdownTimeout: number;
  /** Idle time allowed between requests on a kept-alive connection, advertised as `Keep-Alive: timeout=` (new). */
  httpKeepAliveTimeout: number;
  /** Time allowed to receive a request's headers, counted from its first byte or from the connection's opening (new). */
  httpHeadersTimeout: number;
  /** Time allowed to receive a whole request, headers and body (new). */
  httpRequestTimeout: number;
  /** Port on which the master serves the cluster's Prometheus metrics (new; null = no metrics port). */
  metricsPort: number | null;
  /** Bearer token for /metrics (new): on the main port when set (and required on metricsPort too). */
  metricsToken: string | null;

  // Derived (computed by lib/config; setting them in a file is an error).
  /** Number of cluster workers: `children`, or an automatic count from the driver. */
  workers: number;
  /** `<datadir>/uploads` when uploads are enabled, else null. */
  uploaddir: string | null;
  canUpload: boolean;
  haveEmail: boolean;
  nicknameBlacklist: string[];
}

/** Keys computed by lib/config; setting any of them in a file, env var or flag is an error. */
export type InternalKey = "workers" | "uploaddir" | "canUpload" | "haveEmail" | "nicknameBlacklist";

/** Keys an administrator may set. */
export type SettableKey = Exclude<keyof PumpConfig, InternalKey>;

/**
 * Keys whose `null` means "work it out for me" (address = hostname, urlPort =
 * port, ...). They are nullable while layers merge and never null afterwards.
 */
export type AutoKey = "address" | "urlPort" | "smtpfrom" | "controlSocket" | "datadir";

/** The merged, coerced settings before derived values are filled in. */
export type RawConfig = { [K in SettableKey]: K extends AutoKey ? PumpConfig[K] | null : PumpConfig[K] };
