import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KEY_SPECS, lookupKey, normalizeName } from "../../lib/config/keys";
import { GOOD_SECRET, load, throwsConfig } from "./support";

const env = (vars: Record<string, string>) => ({ PUMPIO_SECRET: GOOD_SECRET, ...vars });

describe("PUMPIO_* environment variables", () => {
  it("camel-cases names: PUMPIO_URL_PORT is urlPort, PUMPIO_DISABLE_REGISTRATION is disableRegistration", () => {
    const { config } = load({ env: env({ PUMPIO_URL_PORT: "443", PUMPIO_DISABLE_REGISTRATION: "true" }) });
    assert.equal(config.urlPort, 443);
    assert.equal(config.disableRegistration, true);
  });

  it("matches keys with capitals: PUMPIO_OWNER_URL is ownerURL, PUMPIO_NO_CDN is noCDN", () => {
    const { config, warnings } = load({ env: env({ PUMPIO_OWNER_URL: "https://me.example", PUMPIO_NO_CDN: "yes" }) });
    assert.equal(config.ownerURL, "https://me.example");
    assert.equal(config.noCDN, true);
    assert.deepEqual(warnings, []);
  });

  it("reads PUMPIO_BOUNCE=1 as true (the original read it as false)", () => {
    assert.equal(load({ env: env({ PUMPIO_BOUNCE: "1" }) }).config.bounce, true);
  });

  for (const [text, value] of [
    ["true", true], ["TRUE", true], ["1", true], ["yes", true], ["On", true],
    ["false", false], ["0", false], ["no", false], ["OFF", false],
  ] as const) {
    it(`reads boolean ${JSON.stringify(text)} as ${value}`, () => {
      assert.equal(load({ env: env({ PUMPIO_DISABLE_REGISTRATION: text }) }).config.disableRegistration, value);
      assert.equal(load({ env: env({ PUMPIO_COMPRESS: text }) }).config.compress, value);
    });
  }

  it("rejects a non-boolean word, naming the key and the variable", () => {
    throwsConfig(() => load({ env: env({ PUMPIO_BOUNCE: "maybe" }) }), /^bounce: "maybe" \(from environment variable PUMPIO_BOUNCE\) is not a boolean/);
  });

  it("rejects a non-numeric port with the exact message", () => {
    const e = throwsConfig(() => load({ env: env({ PUMPIO_PORT: "abc" }) }));
    assert.equal(e.message, 'port: "abc" (from environment variable PUMPIO_PORT) is not a valid port number (1-65535)');
  });

  for (const bad of ["0", "65536", "80.5", "1e3", "-1", ""]) {
    it(`rejects port ${JSON.stringify(bad)}`, () => {
      throwsConfig(() => load({ env: env({ PUMPIO_PORT: bad }) }), /^port: .* is not a valid port number \(1-65535\)/);
      if (bad !== "") throwsConfig(() => load({ env: env({ PUMPIO_URL_PORT: bad }) }), /^urlPort: .* is not a valid port number \(1-65535\)/);
    });
  }

  it("rejects a non-integer timeout, never yielding NaN", () => {
    throwsConfig(() => load({ env: env({ PUMPIO_SMTPTIMEOUT: "soon" }) }), /^smtptimeout: "soon" .* is not a whole number/);
  });

  it("keeps numeric-looking strings as strings for string keys", () => {
    const { config } = load({ env: { PUMPIO_SECRET: "12345678901234567890", PUMPIO_HOSTNAME: "1234", PUMPIO_SITE: "007" } });
    assert.equal(config.secret, "12345678901234567890");
    assert.equal(config.hostname, "1234");
    assert.equal(config.site, "007");
  });

  it("nests with __: PUMPIO_PARAMS__HOST is params.host, sub-keys camel-cased, values kept as strings", () => {
    const { config } = load({ env: env({ PUMPIO_DRIVER: "mongodb", PUMPIO_PARAMS__HOST: "db", PUMPIO_PARAMS__AUTH_SOURCE: "admin", PUMPIO_PARAMS__PORT: "27017" }) });
    assert.deepEqual(config.params, { host: "db", authSource: "admin", port: "27017" });
  });

  it("applies nested variables on top of a whole JSON value", () => {
    const { config } = load({ env: env({ PUMPIO_DRIVER: "mongodb", PUMPIO_PARAMS: '{"host":"a","port":27017}', PUMPIO_PARAMS__HOST: "b" }) });
    assert.deepEqual(config.params, { host: "b", port: 27017 });
  });

  it("takes JSON for list and object keys", () => {
    const { config } = load({
      env: env({
        PUMPIO_CLIENTS: '[{"client_id":"id1","client_secret":"s1"}]',
        PUMPIO_HSTS: '{"maxAge":100,"includeSubDomains":true}',
        PUMPIO_SCRIPTS: '["p1","p2"]',
      }),
    });
    assert.deepEqual(config.clients, [{ client_id: "id1", client_secret: "s1" }]);
    assert.deepEqual(config.hsts, { maxAge: 100, includeSubDomains: true });
    assert.deepEqual(config.scripts, ["p1", "p2"]);
  });

  it("takes comma-separated string lists", () => {
    assert.deepEqual(load({ env: env({ PUMPIO_PROXY_WHITELIST: "a.example, b.example" }) }).config.proxyWhitelist, ["a.example", "b.example"]);
  });

  it("types hsts sub-keys: PUMPIO_HSTS__MAX_AGE is a number", () => {
    assert.deepEqual(load({ env: env({ PUMPIO_HSTS__MAX_AGE: "60", PUMPIO_HSTS__PRELOAD: "yes" }) }).config.hsts, { maxAge: 60, preload: true });
    assert.equal(load({ env: env({ PUMPIO_HSTS: "on" }) }).config.hsts, true);
  });

  it("rejects bad JSON for JSON-valued keys, naming the variable", () => {
    throwsConfig(() => load({ env: env({ PUMPIO_PARAMS: "{host:db}" }) }), /^params: .*PUMPIO_PARAMS.*not valid JSON/);
    throwsConfig(() => load({ env: env({ PUMPIO_PARAMS: "[1]" }) }), /^params .*PUMPIO_PARAMS.* must be an object/);
    throwsConfig(() => load({ env: env({ PUMPIO_CLIENTS: '[{"client_id":"x"}]' }) }), /^clients\[0\] .*needs a non-empty string "client_secret"/);
  });

  it("rejects a sub-key of a non-object key", () => {
    throwsConfig(() => load({ env: env({ PUMPIO_PORT__X: "1" }) }), /PUMPIO_PORT__X sets a sub-key of "port"/);
  });

  it("treats an empty value as unset for keys that may be null", () => {
    const { config } = load({ env: env({ PUMPIO_OWNER: "", PUMPIO_CHILDREN: "", PUMPIO_URL_PORT: "" }) });
    assert.equal(config.owner, null);
    assert.equal(config.urlPort, 31337);
    assert.equal(config.children, null);
    throwsConfig(() => load({ env: env({ PUMPIO_HOSTNAME: "" }) }), /^hostname: "" .* must not be empty/);
  });

  it("ignores variables without the prefix and undefined values", () => {
    const { config } = load({ env: { PUMPIO_SECRET: GOOD_SECRET, PORT: "1", pumpio_port: "2", PUMPIO_SITE: undefined } });
    assert.equal(config.port, 31337);
    assert.equal(config.site, "pump.io");
  });
});

describe("key name matching", () => {
  it("maps every key to a distinct case- and separator-free name", () => {
    const names = Object.keys(KEY_SPECS).map(normalizeName);
    assert.equal(new Set(names).size, names.length);
    for (const k of Object.keys(KEY_SPECS)) assert.equal(lookupKey(k.toUpperCase()), k);
  });
});

describe("command-line flags", () => {
  it("accepts --key value, --key=value, kebab-case and camelCase", () => {
    const { config } = load({ argv: ["--port", "8000", "--url-port=443", "--ownerURL", "https://o.example", "--disable-registration", "true"] });
    assert.equal(config.port, 8000);
    assert.equal(config.urlPort, 443);
    assert.equal(config.ownerURL, "https://o.example");
    assert.equal(config.disableRegistration, true);
  });

  it("reads a bare boolean flag as true", () => {
    assert.equal(load({ argv: ["--bounce"] }).config.bounce, true);
    assert.equal(load({ argv: ["--bounce", "--port", "8000"] }).config.bounce, true);
  });

  it("reads --no-bounce and --bounce false as false, over a true from the environment", () => {
    const e = env({ PUMPIO_BOUNCE: "true" });
    assert.equal(load({ env: e }).config.bounce, true);
    assert.equal(load({ env: e, argv: ["--no-bounce"] }).config.bounce, false);
    assert.equal(load({ env: e, argv: ["--bounce", "false"] }).config.bounce, false);
    assert.equal(load({ env: e, argv: ["--bounce=no"] }).config.bounce, false);
    assert.equal(load({ env: e, argv: ["--no-bounce=false"] }).config.bounce, true);
  });

  it("reads --no-web, --no-cdn and --no-logger as the keys noweb, noCDN and nologger", () => {
    const { config } = load({ argv: ["--no-web", "--no-cdn", "--no-logger"] });
    assert.equal(config.noweb, true);
    assert.equal(config.noCDN, true);
    assert.equal(config.nologger, true);
  });

  it("sets nested keys with dots", () => {
    assert.deepEqual(load({ argv: ["--driver", "mongodb", "--params.host", "x", "--params.dbname", "pump"] }).config.params, { host: "x", dbname: "pump" });
    assert.deepEqual(load({ argv: ["--hsts.max-age", "300", "--hsts.include-sub-domains"] }).config.hsts, { maxAge: 300, includeSubDomains: true });
  });

  it("keeps numeric-looking strings as strings", () => {
    assert.equal(load({ argv: ["--secret", "98765432109876543210"] }).config.secret, "98765432109876543210");
  });

  it("reports a bad value, naming the flag", () => {
    throwsConfig(() => load({ argv: ["--port", "http"] }), /^port: "http" \(from command-line flag --port\) is not a valid port number/);
    throwsConfig(() => load({ argv: ["--bounce=perhaps"] }), /^bounce: "perhaps" \(from command-line flag --bounce\) is not a boolean/);
  });

  it("reports a flag without its value", () => {
    throwsConfig(() => load({ argv: ["--port"] }), /--port needs a value/);
    throwsConfig(() => load({ argv: ["--hostname", "--port", "80"] }), /--hostname needs a value/);
  });

  it("reports stray arguments and unknown short options", () => {
    throwsConfig(() => load({ argv: ["serve"] }), /unexpected argument "serve"/);
    throwsConfig(() => load({ argv: ["-x"] }), /unknown option "-x"/);
    throwsConfig(() => load({ argv: ["-c"] }), /-c needs a file name/);
  });

  it("takes a negative number as a value, then range-checks it", () => {
    throwsConfig(() => load({ argv: ["--children", "-2"] }), /^children: "-2" .* is not a whole number between 0 and 1024/);
  });
});
