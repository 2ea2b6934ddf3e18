import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GOOD_SECRET, load, throwsConfig, tmp, writeConfig } from "./support";

const withSecret = (vars: Record<string, string> = {}) => ({ PUMPIO_SECRET: GOOD_SECRET, ...vars });

describe("validation: driver", () => {
  for (const d of ["sqlite", "mongodb", "memory"]) {
    it(`accepts the built-in driver ${d}`, () => {
      assert.equal(load({ argv: ["--driver", d] }).config.driver, d);
    });
  }

  it("accepts another driver whose databank-<name> package resolves", () => {
    const asked: string[] = [];
    const { config } = load({ argv: ["--driver", "redis"], resolvePackage: (n) => (asked.push(n), `/x/${n}`) });
    assert.equal(config.driver, "redis");
    assert.deepEqual(asked, ["databank-redis"]);
  });

  it("uses require.resolve by default (databank-caching is installed)", () => {
    assert.equal(load({ argv: ["--driver", "caching"] }).config.driver, "caching");
  });

  it("refuses a driver that is not installed, saying what to install", () => {
    throwsConfig(
      () => load({ env: withSecret({ PUMPIO_DRIVER: "nosuchdb" }) }),
      /^driver: "nosuchdb" \(from environment variable PUMPIO_DRIVER\) is not available/,
      /npm install databank-nosuchdb/,
    );
  });

  it("refuses a driver name that is a path", () => {
    throwsConfig(() => load({ argv: ["--driver", "../evil"] }), /is not a driver name/);
  });

  it("warns that the memory driver loses data and is not shared", () => {
    const { warnings } = load({ argv: ["--driver", "memory"] });
    assert.ok(warnings.some((w) => /memory.*lost on exit.*not shared between workers/.test(w)), warnings.join("\n"));
    assert.ok(!load().warnings.some((w) => /memory/.test(w)));
  });

  it("warns when an in-process driver gets several workers", () => {
    const { warnings } = load({ argv: ["--driver", "memory", "--children", "3"] });
    assert.ok(warnings.some((w) => /children is 3 with driver "memory"/.test(w)), warnings.join("\n"));
  });
});

describe("validation: secret", () => {
  it("requires a secret while the web UI is on", () => {
    throwsConfig(() => load({ env: {} }), /^secret is not set/, /long random string/, /openssl rand -hex 32/);
  });

  it("refuses the sample secret, naming where it came from", () => {
    const dir = tmp();
    const file = writeConfig(dir, "s.json", { secret: "my dog has fleas" });
    throwsConfig(() => load({ env: {}, argv: ["-c", file] }), new RegExp(`^secret \\(from ${file}\\) is the published sample value`), /long random string/);
  });

  it("does not need a secret with noweb", () => {
    assert.equal(load({ env: { PUMPIO_NOWEB: "true" } }).config.secret, null);
  });

  it("warns about a short secret", () => {
    const { warnings } = load({ env: { PUMPIO_SECRET: "short" } });
    assert.ok(warnings.some((w) => /secret .*shorter than 16/.test(w)), warnings.join("\n"));
    assert.deepEqual(load().warnings, []);
  });
});

describe("validation: ports", () => {
  it("refuses ports below 1024 when not root, naming the key", () => {
    throwsConfig(() => load({ argv: ["--port", "80"] }), /^port: 80 \(from command-line flag --port\) is below 1024.*uid 1000/, /serverUser/);
  });

  it("allows ports below 1024 for root", () => {
    assert.equal(load({ argv: ["--port", "80"], getuid: () => 0 }).config.port, 80);
  });

  it("does not check urlPort against 1024 (it is only used in URLs)", () => {
    assert.equal(load({ argv: ["--port", "8443", "--url-port", "443"] }).config.urlPort, 443);
  });

  it("checks bouncePort only when the bounce server will run", () => {
    const dir = tmp();
    const key = writeConfig(dir, "k.pem", "key");
    const cert = writeConfig(dir, "c.pem", "cert");
    const base = ["--port", "8443", "--key", key, "--cert", cert];
    throwsConfig(() => load({ argv: [...base, "--bounce"] }), /^bouncePort: 80 \(from the built-in default\) is below 1024/);
    assert.equal(load({ argv: [...base, "--bounce", "--bounce-port", "8080"] }).config.bouncePort, 8080);
    assert.equal(load({ argv: base }).config.bounce, false);
  });

  it("range-checks bouncePort and smtpport", () => {
    throwsConfig(() => load({ argv: ["--bounce-port", "70000"] }), /^bouncePort: "70000" .* not a valid port number/);
    throwsConfig(() => load({ argv: ["--smtpport", "x"] }), /^smtpport: "x" .* not a valid port number/);
  });
});

describe("validation: other rules", () => {
  it("refuses a numeric-looking controlSocket", () => {
    throwsConfig(() => load({ env: withSecret({ PUMPIO_CONTROL_SOCKET: "8080" }) }), /^controlSocket: "8080" \(from environment variable PUMPIO_CONTROL_SOCKET\) looks like a port number/);
    const dir = tmp();
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "c.json", { controlSocket: 9000 })] }), /^controlSocket: "9000" .* looks like a port number/);
  });

  it("refuses an unknown log level and accepts any case", () => {
    throwsConfig(() => load({ argv: ["--log-level", "verbose"] }), /^logLevel: "verbose" .* is not a log level; use one of fatal, error, warn, info, debug, trace/);
    assert.equal(load({ argv: ["--log-level", "DEBUG"] }).config.logLevel, "debug");
  });

  it("refuses key without cert and cert without key", () => {
    const dir = tmp();
    const key = writeConfig(dir, "k.pem", "key");
    throwsConfig(() => load({ argv: ["--key", key] }), /^key is set .* but cert is not/);
    throwsConfig(() => load({ argv: ["--cert", key] }), /^cert is set .* but key is not/);
  });

  it("refuses a key or cert file that cannot be read", () => {
    const dir = tmp();
    const cert = writeConfig(dir, "c.pem", "cert");
    throwsConfig(() => load({ argv: ["--key", join(dir, "missing.pem"), "--cert", cert] }), /^key: the file .*missing\.pem .* cannot be read \(ENOENT\)/);
  });

  it("makes key, cert and logfile absolute", () => {
    const dir = tmp();
    writeConfig(dir, "k.pem", "key");
    writeConfig(dir, "c.pem", "cert");
    const { config } = load({ cwd: dir, argv: ["--key", "k.pem", "--cert", "c.pem", "--logfile", "pump.log"] });
    assert.equal(config.key, join(dir, "k.pem"));
    assert.equal(config.cert, join(dir, "c.pem"));
    assert.equal(config.logfile, join(dir, "pump.log"));
  });

  it("warns that bounce without HTTPS does nothing", () => {
    assert.ok(load({ argv: ["--bounce"] }).warnings.some((w) => /bounce is on but no key\/cert/.test(w)));
  });

  it("refuses spamhost without its client id and secret", () => {
    throwsConfig(() => load({ argv: ["--spamhost", "https://spam.example"] }), /^spamhost is set .* but spamclientid and spamclientsecret are not both set/);
    throwsConfig(() => load({ argv: ["--spamhost", "https://spam.example", "--spamclientid", "id"] }), /spamclientid and spamclientsecret/);
    assert.equal(load({ argv: ["--spamhost", "https://spam.example", "--spamclientid", "id", "--spamclientsecret", "s"] }).config.spamhost, "https://spam.example");
  });

  it("refuses a spamhost without a scheme", () => {
    throwsConfig(() => load({ argv: ["--spamhost", "spam.example", "--spamclientid", "id", "--spamclientsecret", "s"] }), /^spamhost: "spam\.example" .* must be a URL with scheme/);
  });

  it("refuses a hostname with a scheme or path", () => {
    throwsConfig(() => load({ argv: ["--hostname", "https://social.example"] }), /^hostname: "https:\/\/social\.example" .* bare host name/);
  });

  it("refuses requireEmail without smtpserver", () => {
    throwsConfig(() => load({ argv: ["--require-email"] }), /^requireEmail is on .* but smtpserver is not set/);
    assert.equal(load({ argv: ["--require-email", "--smtpserver", "mail.example"] }).config.requireEmail, true);
  });

  it("lets enableUploads use the default datadir", () => {
    const cwd = tmp();
    assert.equal(load({ cwd, env: withSecret({ PUMPIO_ENABLE_UPLOADS: "on" }) }).config.uploaddir, join(cwd, "data", "uploads"));
  });

  it("reports an unreadable default config file instead of silently skipping it", { skip: process.getuid?.() === 0 ? "root can read anything" : false }, () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { site: "x" });
    chmodSync(etc, 0o000);
    throwsConfig(() => load({ etcFile: etc }), /cannot be read \(EACCES\): fix its permissions, or use -c\/--config/);
  });
});
