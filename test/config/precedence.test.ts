import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GOOD_SECRET, load, tmp, writeConfig } from "./support";

describe("config precedence", () => {
  it("uses the built-in defaults when nothing is set", () => {
    const { config, sources, warnings } = load();
    assert.equal(config.port, 31337);
    assert.equal(config.hostname, "127.0.0.1");
    assert.equal(config.driver, "sqlite");
    assert.equal(config.firehose, null);
    assert.equal(config.bouncePort, 80);
    assert.equal(config.workerShutdownTimeout, 30000);
    assert.deepEqual(sources, []);
    assert.deepEqual(warnings, []);
  });

  it("layers defaults < /etc < ~ < PUMPIO_* < flags, each overriding the one before", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { site: "etc", port: 1001, hostname: "etc.example", owner: "etc", logLevel: "warn" });
    const home = tmp();
    writeConfig(home, ".pump.io.json", { port: 2002, hostname: "home.example", owner: "home" });
    const { config, sources } = load({
      etcFile: etc,
      homeDir: home,
      env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_PORT: "3003", PUMPIO_OWNER: "env" },
      argv: ["--owner", "flag"],
    });
    assert.equal(config.logLevel, "warn"); // only /etc sets it
    assert.equal(config.site, "etc"); // only /etc sets it
    assert.equal(config.hostname, "home.example"); // ~ over /etc
    assert.equal(config.port, 3003); // env over ~
    assert.equal(config.owner, "flag"); // flag over env
    assert.deepEqual(sources, [etc, join(home, ".pump.io.json")]);
  });

  it("takes the home directory from HOME when homeDir is not given", () => {
    const home = tmp();
    writeConfig(home, ".pump.io.json", { site: "from HOME" });
    const { config } = load({ homeDir: undefined, env: { HOME: home, PUMPIO_SECRET: GOOD_SECRET } });
    assert.equal(config.site, "from HOME");
  });

  it("reads only the -c file, ignoring /etc and ~", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { site: "etc", owner: "etc" });
    const home = tmp();
    writeConfig(home, ".pump.io.json", { site: "home" });
    const only = writeConfig(dir, "only.json", { site: "only" });
    const { config, sources } = load({ etcFile: etc, homeDir: home, argv: ["-c", only] });
    assert.equal(config.site, "only");
    assert.equal(config.owner, null);
    assert.deepEqual(sources, [only]);
  });

  it("accepts --config=PATH, PUMPIO_CONFIG, and prefers the flag over PUMPIO_CONFIG", () => {
    const dir = tmp();
    const a = writeConfig(dir, "a.json", { site: "a" });
    const b = writeConfig(dir, "b.json", { site: "b" });
    assert.equal(load({ argv: [`--config=${a}`] }).config.site, "a");
    assert.equal(load({ env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_CONFIG: b } }).config.site, "b");
    assert.equal(load({ argv: ["--config", a], env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_CONFIG: b } }).config.site, "a");
  });

  it("resolves a relative -c path against cwd", () => {
    const dir = tmp();
    writeConfig(dir, "rel.json", { site: "relative" });
    assert.equal(load({ cwd: dir, argv: ["-c", "rel.json"] }).config.site, "relative");
  });

  it("deep-merges params leaf by leaf across every layer", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { driver: "mongodb", params: { host: "etc-host", port: 27017, dbname: "etc", auth: { user: "u" } } });
    const home = tmp();
    writeConfig(home, ".pump.io.json", { params: { dbname: "home", auth: { pass: "p" } } });
    const { config } = load({
      etcFile: etc,
      homeDir: home,
      env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_PARAMS__HOST: "env-host" },
      argv: ["--params.replica-set", "rs0"],
    });
    assert.deepEqual(config.params, {
      host: "env-host",
      port: 27017,
      dbname: "home",
      auth: { user: "u", pass: "p" },
      replicaSet: "rs0",
    });
  });

  it("replaces arrays instead of merging them", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { proxyWhitelist: ["a", "b"], scripts: ["https://x/1.js"] });
    const home = tmp();
    writeConfig(home, ".pump.io.json", { proxyWhitelist: ["c"] });
    const { config } = load({ etcFile: etc, homeDir: home });
    assert.deepEqual(config.proxyWhitelist, ["c"]);
    assert.deepEqual(config.scripts, ["https://x/1.js"]);
  });

  it("lets a later flag win over an earlier one", () => {
    assert.equal(load({ argv: ["--port", "4000", "--port", "5000"] }).config.port, 5000);
  });

  it("treats null in a file as 'derive it' for automatic keys and 'not set' for others", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { address: "10.0.0.1", urlPort: 443, site: "etc" });
    const home = tmp();
    writeConfig(home, ".pump.io.json", { address: null, urlPort: null, site: null, firehose: null });
    const { config } = load({ etcFile: etc, homeDir: home, argv: ["--port", "8000"] });
    assert.equal(config.address, "127.0.0.1");
    assert.equal(config.urlPort, 8000);
    assert.equal(config.site, "etc");
  });
});

describe("derived values", () => {
  it("fills address, urlPort and smtpfrom from hostname and port", () => {
    const { config } = load({ argv: ["--hostname", "social.example", "--port", "8080"] });
    assert.equal(config.address, "social.example");
    assert.equal(config.urlPort, 8080);
    assert.equal(config.smtpfrom, "no-reply@social.example");
  });

  it("keeps explicit address and urlPort", () => {
    const { config } = load({ argv: ["--address", "0.0.0.0", "--url-port", "443"] });
    assert.equal(config.address, "0.0.0.0");
    assert.equal(config.urlPort, 443);
  });

  it("resolves datadir against cwd and points sqlite at it", () => {
    const cwd = tmp();
    const { config } = load({ cwd });
    assert.equal(config.datadir, join(cwd, "data"));
    assert.deepEqual(config.params, { dir: join(cwd, "data") });
    const other = load({ cwd, argv: ["--datadir", "store"] }).config;
    assert.equal(other.datadir, join(cwd, "store"));
    assert.equal(other.params.dir, join(cwd, "store"));
  });

  it("leaves sqlite params alone when file or dir is given, resolving relative paths", () => {
    const cwd = tmp();
    assert.deepEqual(load({ cwd, argv: ["--params.file", "x.db"] }).config.params, { file: join(cwd, "x.db") });
    assert.deepEqual(load({ cwd, argv: ["--params.file", ":memory:"] }).config.params, { file: ":memory:" });
    assert.deepEqual(load({ cwd, argv: ["--params.dir", "/srv/db"] }).config.params, { dir: "/srv/db" });
  });

  it("does not add params.dir for other drivers", () => {
    assert.deepEqual(load({ argv: ["--driver", "mongodb"] }).config.params, {});
  });

  it("sets uploaddir and canUpload only with enableUploads", () => {
    const cwd = tmp();
    const off = load({ cwd }).config;
    assert.equal(off.uploaddir, null);
    assert.equal(off.canUpload, false);
    const on = load({ cwd, argv: ["--enable-uploads"] }).config;
    assert.equal(on.uploaddir, join(cwd, "data", "uploads"));
    assert.equal(on.canUpload, true);
  });

  it("sets haveEmail from smtpserver", () => {
    assert.equal(load().config.haveEmail, false);
    assert.equal(load({ argv: ["--smtpserver", "mail.example"] }).config.haveEmail, true);
  });

  it("computes workers from children, driver and CPU count", () => {
    assert.equal(load({ cpuCount: 8 }).config.workers, 7);
    assert.equal(load({ cpuCount: 1 }).config.workers, 2);
    assert.equal(load({ cpuCount: 8, argv: ["--driver", "memory"] }).config.workers, 1);
    assert.equal(load({ cpuCount: 8, argv: ["--children", "3"] }).config.workers, 3);
    const zero = load({ cpuCount: 8, argv: ["--children", "0"] }).config;
    assert.equal(zero.workers, 7);
    assert.equal(zero.children, null);
  });

  it("picks the control socket by uid unless set", () => {
    assert.equal(load({ getuid: () => 0 }).config.controlSocket, "/var/run/pump.socket");
    assert.equal(load({ getuid: () => 1000 }).config.controlSocket, "/tmp/pump.socket");
    assert.equal(load({ argv: ["--control-socket", "/run/p.sock"] }).config.controlSocket, "/run/p.sock");
  });

  it("has the nickname blacklist", () => {
    const { config } = load();
    assert.ok(config.nicknameBlacklist.includes("api"));
    assert.ok(config.nicknameBlacklist.includes(".well-known"));
  });

  it("returns a deeply frozen config", () => {
    const { config } = load({ argv: ["--params.host", "h", "--scripts", "a,b"] });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.params));
    assert.ok(Object.isFrozen(config.scripts));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.params as Record<string, unknown>).host = "x";
    }, TypeError);
  });
});
