import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KEY_SPECS } from "../../lib/config/keys";
import type { PumpConfig } from "../../lib/config";
import { GOOD_SECRET, load, throwsConfig, tmp, writeConfig } from "./support";

/**
 * The original tested most keys for truthiness, so a falsy value in a
 * config file meant "off" or "the default" (shared/reference/config.md §2,
 * §3): "firehose": false, "children": 0, "urlPort": null, "clients": null.
 * One row per key: what every falsy value means, or that the key has no
 * off state (null = the default, anything else falsy = a type error).
 */
type Row = { off: (c: PumpConfig) => unknown; want: unknown } | { noOffState: true; fallback: unknown };

const FALSY: readonly unknown[] = [null, false, 0, ""];
const is = (key: keyof PumpConfig, want: unknown): Row => ({ off: (c) => c[key], want });
const none = (fallback: unknown): Row => ({ noOffState: true, fallback });

const TABLE: Record<keyof typeof KEY_SPECS, Row> = {
  driver: none("sqlite"),
  params: { off: (c) => c.params.dir === undefined && c.params.file === undefined, want: false }, // {} -> sqlite fills dir
  hostname: none("127.0.0.1"),
  address: is("address", "127.0.0.1"), // derived from hostname
  port: none(31337),
  urlPort: is("urlPort", 31337), // derived from port
  urlPath: is("urlPath", null),
  trustProxy: is("trustProxy", false),
  maxUploadSize: none(10 * 1024 * 1024),
  bounce: is("bounce", false),
  bouncePort: none(80),
  secret: is("secret", GOOD_SECRET), // off in the file: the environment's secret stays
  secretFile: is("secretFile", null),
  noweb: is("noweb", false),
  site: none("pump.io"),
  owner: is("owner", null),
  ownerURL: is("ownerURL", null),
  mainImage: none("images/somefriends.jpg"),
  appendFooter: is("appendFooter", null),
  nologger: is("nologger", false),
  logfile: is("logfile", null),
  logLevel: none("info"),
  serverUser: is("serverUser", null),
  key: is("key", null),
  cert: is("cert", null),
  hsts: is("hsts", false),
  datadir: { off: (c) => String(c.datadir).endsWith("/data"), want: true }, // the default ./data
  enableUploads: is("enableUploads", false),
  debugClient: is("debugClient", false),
  firehose: is("firehose", null),
  spamhost: is("spamhost", null),
  spamclientid: is("spamclientid", null),
  spamclientsecret: is("spamclientsecret", null),
  disableRegistration: is("disableRegistration", false),
  noCDN: is("noCDN", false),
  requireEmail: is("requireEmail", false),
  smtpserver: is("smtpserver", null),
  smtpport: none(25),
  smtpuser: is("smtpuser", null),
  smtppass: is("smtppass", null),
  smtpusetls: is("smtpusetls", false),
  smtpusessl: is("smtpusessl", false),
  smtpfrom: is("smtpfrom", "no-reply@127.0.0.1"), // derived from hostname
  smtptimeout: none(30000),
  compress: is("compress", false),
  children: { off: (c) => [c.children, c.workers], want: [null, 3] }, // auto: cpus - 1
  clients: is("clients", []),
  users: is("users", []),
  sockjs: is("sockjs", false),
  cleanupSession: is("cleanupSession", 0), // 0: no purge
  cleanupNonce: is("cleanupNonce", 0),
  favicon: is("favicon", null),
  plugins: is("plugins", []),
  scripts: is("scripts", []),
  proxyWhitelist: is("proxyWhitelist", []),
  federationAllowedAddresses: is("federationAllowedAddresses", []),
  activityPubBlockedDomains: is("activityPubBlockedDomains", []),
  activityPubBlockedActors: is("activityPubBlockedActors", []),
  redirectToCanonical: is("redirectToCanonical", false),
  redirectAddressToCanonical: is("redirectAddressToCanonical", false),
  controlSocket: is("controlSocket", "/tmp/pump.socket"), // derived from the uid
  workerShutdownTimeout: none(30000),
  httpKeepAliveTimeout: none(5000),
  httpHeadersTimeout: none(20000),
  httpRequestTimeout: none(300000),
  metricsPort: is("metricsPort", null),
  metricsToken: is("metricsToken", null),
};

function fromFile(key: string, value: unknown): PumpConfig {
  const file = writeConfig(tmp(), "pump.io.json", { [key]: value });
  return load({ argv: ["-c", file] }).config as PumpConfig;
}

describe("falsy values in a config file mean what they meant in the original", () => {
  it("covers every key", () => {
    assert.deepEqual(Object.keys(TABLE).sort(), Object.keys(KEY_SPECS).sort());
  });

  for (const [key, row] of Object.entries(TABLE)) {
    if ("off" in row) {
      it(`${key}: null, false, 0 and "" all mean off / the default`, () => {
        for (const v of FALSY) assert.deepEqual(row.off(fromFile(key, v)), row.want, `${key}: ${JSON.stringify(v)}`);
      });
    } else {
      it(`${key}: null means the default; false is refused, naming the key`, () => {
        assert.deepEqual(fromFile(key, null)[key as keyof PumpConfig], row.fallback);
        throwsConfig(() => fromFile(key, false), new RegExp(`^${key}: false \\(from .*pump\\.io\\.json\\) `));
      });
    }
  }
});

describe("empty environment variables are falsy too", () => {
  const env = (vars: Record<string, string>) => ({ PUMPIO_SECRET: GOOD_SECRET, ...vars });

  it("turns switches, optional strings, periods and lists off", () => {
    const { config } = load({
      env: env({ PUMPIO_FIREHOSE: "", PUMPIO_COMPRESS: "", PUMPIO_HSTS: "", PUMPIO_CLEANUP_NONCE: "", PUMPIO_PLUGINS: "", PUMPIO_CHILDREN: "" }),
    });
    assert.equal(config.firehose, null);
    assert.equal(config.compress, false);
    assert.equal(config.hsts, false);
    assert.equal(config.cleanupNonce, 0);
    assert.deepEqual(config.plugins, []);
    assert.equal(config.children, null);
  });

  it("still refuses an empty value for a key that cannot be off", () => {
    throwsConfig(() => load({ env: env({ PUMPIO_PORT: "" }) }), /^port: "" .* is not a valid port number/);
  });
});
