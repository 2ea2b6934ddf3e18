// Turns databank-mongodb's connection parameters into a MongoClient URL and
// options for the current driver, and describes the target safely for
// error messages. Pure: nothing here opens a socket.
import type { MongoClientOptions } from "mongodb";

/** The params databank-mongodb accepted, plus `url`. */
export interface MongoParams {
  /** A full mongodb:// or mongodb+srv:// string; overrides host/port/hosts/rs_name. */
  url?: string;
  host?: string;
  port?: number | string;
  /** Database name; databank-mongodb's default is "test" (with `url`: the URL's own, else "test"). */
  dbname?: string;
  dbuser?: string;
  dbpass?: string;
  /** Create the schema's indexes on connect; default true, as in databank-mongodb. */
  checkSchema?: boolean;
  /** Replica set name; with `hosts`, as in databank-mongodb. */
  rs_name?: string;
  hosts?: Array<string | [string, number | string] | [string]>;
  /** MongoClient options. */
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ConnectionPlan {
  url: string;
  options: MongoClientOptions;
  /** Undefined means "the URL's database, else test", which MongoClient#db() does for us. */
  dbname: string | undefined;
  /** The target with any password replaced by "***", for messages and logs. */
  where: string;
  /** Secrets to scrub from any message we pass on. */
  secrets: string[];
}

/**
 * Options databank-mongodb put in its defaults for the 2.x `Db` object
 * (`defaultOptions`: reaper*, safe). The current MongoClient refuses unknown
 * options, so a pump.io config written for databank-mongodb that repeats
 * them must not break the connection; they mean nothing here.
 */
const LEGACY_OPTIONS = ["reaper", "reaperInterval", "reaperTimeout", "safe"];

function hostPort(host: string, port: number | string): string {
  // An IPv6 literal needs brackets in a URL.
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${h}:${port}`;
}

/**
 * The hosts of databank-mongodb's replica-set form: each entry a
 * [host, port] pair, a [host] (port 27017) or a bare host name; no list
 * means localhost:27017.
 */
function replicaHosts(hosts: MongoParams["hosts"]): string {
  if (!hosts || hosts.length === 0) return hostPort("localhost", 27017);
  return hosts
    .map((entry) => (typeof entry === "string" ? hostPort(entry, 27017) : hostPort(entry[0], entry[1] ?? 27017)))
    .join(",");
}

/**
 * `url` with the password of its user info replaced by "***". Handles what
 * `new URL()` cannot (several comma-separated hosts) by working on the text.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
  });
}

function urlPassword(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:([^@/?#]*)@/i.exec(url);
  return m?.[1] || undefined;
}

/** Builds the client URL and options from databank-mongodb-style params. */
export function planConnection(params: MongoParams): ConnectionPlan {
  let url: string;
  if (typeof params.url === "string" && params.url !== "") {
    url = params.url;
  } else if (params.rs_name !== undefined) {
    url = `mongodb://${replicaHosts(params.hosts)}/?replicaSet=${encodeURIComponent(params.rs_name)}`;
  } else {
    url = `mongodb://${hostPort(params.host || "localhost", params.port || 27017)}/`;
  }

  const options: Record<string, unknown> = { ...(params.options ?? {}) };
  for (const legacy of LEGACY_OPTIONS) delete options[legacy];

  // databank-mongodb only defaulted the name when no URL could carry one.
  const dbname = params.dbname || (params.url ? undefined : "test");

  const secrets: string[] = [];
  if (params.dbuser) {
    options.auth = { username: params.dbuser, password: params.dbpass ?? undefined };
    // databank-mongodb called db.authenticate() on its own database, so the
    // user lives there unless the caller says otherwise.
    if (options.authSource === undefined && dbname) options.authSource = dbname;
    if (params.dbpass) secrets.push(params.dbpass);
  }
  const fromUrl = urlPassword(url);
  if (fromUrl) {
    secrets.push(fromUrl);
    try {
      secrets.push(decodeURIComponent(fromUrl));
    } catch {
      // Not valid percent-encoding: the raw form is all there is to scrub.
    }
  }

  const where = params.dbuser ? `${redactUrl(url)} (user ${params.dbuser})` : redactUrl(url);
  return { url, options: options as MongoClientOptions, dbname, where, secrets };
}

/** `message` with every secret replaced by "***". */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join("***");
  }
  return out;
}
