import type { InternalKey, SettableKey } from "./types";

/**
 * How one configuration key is typed. Every value from every source (files,
 * PUMPIO_* variables, flags) is checked against this table, so a key can
 * never end up with a type the rest of the server does not expect.
 */
export type KeySpec =
  | { kind: "string"; nullable: boolean; path?: boolean }
  /** `off`: the value a falsy setting means (cleanupNonce: 0 turns the purge off). */
  | { kind: "int"; nullable: boolean; min: number; max: number; port?: boolean; off?: number }
  | { kind: "boolean" }
  /** `hsts`: true/false or an options object with typed fields. */
  | { kind: "boolOrObject"; fields: Record<string, "boolean" | "int"> }
  /** Free-form object (`params`): merged leaf by leaf, leaves kept as given. */
  | { kind: "object" }
  | { kind: "stringArray" }
  | { kind: "objectArray"; required: readonly string[] }
  /** `trustProxy`: Express' `trust proxy`: a boolean, a hop count, or addresses/subnets. */
  | { kind: "trustProxy" };

const MAX_MS = 2_147_483_647; // largest delay setTimeout accepts

const str = (nullable: boolean, path = false): KeySpec => ({ kind: "string", nullable, path });
const bool: KeySpec = { kind: "boolean" };
const port = (nullable: boolean): KeySpec => ({ kind: "int", nullable, min: 1, max: 65535, port: true });
const ms = (min: number): KeySpec => ({ kind: "int", nullable: false, min, max: MAX_MS });
/** A period where 0 (and so any falsy value) means "never". */
const period: KeySpec = { kind: "int", nullable: false, min: 0, max: MAX_MS, off: 0 };

/**
 * The typed key table. `satisfies` makes the compiler insist that every
 * settable key of PumpConfig has an entry, and no entry exists for a key
 * PumpConfig does not have.
 */
export const KEY_SPECS = {
  driver: str(false),
  params: { kind: "object" },
  hostname: str(false),
  address: str(true),
  port: port(false),
  urlPort: port(true),
  urlPath: str(true),
  bounce: bool,
  bouncePort: port(false),
  secret: str(true),
  secretFile: str(true, true),
  noweb: bool,
  site: str(false),
  owner: str(true),
  ownerURL: str(true),
  mainImage: str(false),
  appendFooter: str(true),
  nologger: bool,
  logfile: str(true, true),
  logLevel: str(false),
  serverUser: str(true),
  key: str(true, true),
  cert: str(true, true),
  hsts: { kind: "boolOrObject", fields: { maxAge: "int", includeSubDomains: "boolean", preload: "boolean", force: "boolean" } },
  datadir: str(true, true),
  enableUploads: bool,
  maxUploadSize: { kind: "int", nullable: false, min: 1, max: Number.MAX_SAFE_INTEGER },
  debugClient: bool,
  firehose: str(true),
  spamhost: str(true),
  spamclientid: str(true),
  spamclientsecret: str(true),
  disableRegistration: bool,
  noCDN: bool,
  requireEmail: bool,
  smtpserver: str(true),
  smtpport: port(false),
  smtpuser: str(true),
  smtppass: str(true),
  smtpusetls: bool,
  smtpusessl: bool,
  smtpfrom: str(true),
  smtptimeout: ms(1),
  compress: bool,
  children: { kind: "int", nullable: true, min: 0, max: 1024 },
  clients: { kind: "objectArray", required: ["client_id", "client_secret"] },
  users: { kind: "objectArray", required: ["nickname", "password"] },
  sockjs: bool,
  cleanupSession: period,
  cleanupNonce: period,
  favicon: str(true, true),
  plugins: { kind: "stringArray" },
  scripts: { kind: "stringArray" },
  proxyWhitelist: { kind: "stringArray" },
  federationAllowedAddresses: { kind: "stringArray" },
  activityPubBlockedDomains: { kind: "stringArray" },
  activityPubBlockedActors: { kind: "stringArray" },
  redirectToCanonical: bool,
  redirectAddressToCanonical: bool,
  trustProxy: { kind: "trustProxy" },
  controlSocket: str(true),
  workerShutdownTimeout: ms(0),
  httpKeepAliveTimeout: ms(1000),
  httpHeadersTimeout: ms(1),
  httpRequestTimeout: ms(1),
  metricsPort: port(true),
  metricsToken: str(true),
} as const satisfies Record<SettableKey, KeySpec>;

export const SETTABLE_KEYS = Object.keys(KEY_SPECS) as SettableKey[];

export const INTERNAL_KEYS: readonly InternalKey[] = ["nicknameBlacklist", "canUpload", "haveEmail", "workers"];

/** Returns the spec of a settable key (typed loosely for generic code). */
export function specOf(key: SettableKey): KeySpec {
  return KEY_SPECS[key] as KeySpec;
}

/** Case-, dash- and underscore-insensitive form used to match env var and flag names to keys. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

const BY_NORMALIZED = new Map<string, SettableKey>(SETTABLE_KEYS.map((k) => [normalizeName(k), k]));

/**
 * Finds the key an env var segment or flag means: `URL_PORT`, `url-port`,
 * `urlPort` and `urlport` all mean `urlPort`; `OWNER_URL` means `ownerURL`.
 */
export function lookupKey(name: string): SettableKey | undefined {
  return BY_NORMALIZED.get(normalizeName(name));
}

/** Recognises internal and obsolete keys (so their use is an error, not an "unknown key" warning). */
export function lookupReservedKey(name: string): InternalKey | "uploaddir" | undefined {
  const n = normalizeName(name);
  if (n === "uploaddir") return "uploaddir";
  return INTERNAL_KEYS.find((k) => normalizeName(k) === n);
}

/** `AUTH_SOURCE` / `auth-source` → `authSource` (for free-form sub-keys such as params.*). */
export function camelCase(name: string): string {
  const parts = name.split(/[-_]+/).filter((p) => p !== "");
  if (parts.length === 0) return name;
  const lowerFirst = name === name.toUpperCase();
  return parts
    .map((p, i) => {
      const q = lowerFirst ? p.toLowerCase() : p;
      return i === 0 ? q.charAt(0).toLowerCase() + q.slice(1) : q.charAt(0).toUpperCase() + q.slice(1);
    })
    .join("");
}
