/**
 * The real process: `node bin/pump` with a temporary HOME, a clean
 * environment and -c files. Only --help, --version, --show-config and
 * configuration errors are exercised, so no server is ever started.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { GOOD_SECRET, tmp, writeConfig } from "./support";

const ROOT = resolve(__dirname, "../../..");
const PUMP = join(ROOT, "bin", "pump");
const EXAMPLE = join(ROOT, "pump.io.json.example");
const ETC_EXISTS = existsSync("/etc/pump.io.json");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pump(args: string[], env: Record<string, string> = {}, opts: { uid?: number; gid?: number; home?: string } = {}): Promise<Run> {
  const home = opts.home ?? tmp();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [PUMP, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...env },
        timeout: 30_000,
        uid: opts.uid,
        gid: opts.gid,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A config file in a fresh directory, with a good secret unless `content` says otherwise. */
function configFile(content: unknown): string {
  return writeConfig(tmp(), "pump.json", typeof content === "string" ? content : { secret: GOOD_SECRET, ...(content as object) });
}

async function showConfig(args: string[], env: Record<string, string> = {}, home?: string): Promise<Record<string, unknown>> {
  const r = await pump(["--show-config", ...args], env, { home });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Asserts exit code 1 and exactly one line `pump: <message>` on stderr, no stack trace. */
async function expectConfigError(args: string[], env: Record<string, string>, pattern: RegExp, opts: { uid?: number; gid?: number } = {}): Promise<string> {
  const r = await pump(args, env, opts);
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  const line = lines[0] ?? "";
  assert.ok(line.startsWith("pump: "), line);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(line.slice("pump: ".length), pattern);
  return line;
}

describe("bin/pump: help and version", () => {
  it("--help prints usage on stdout and exits 0", async () => {
    const r = await pump(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: pump \[options\]/);
    assert.match(r.stdout, /PUMPIO_PARAMS__HOST/);
    assert.match(r.stdout, /pump\.io\.json\.example/);
    assert.equal(r.stderr, "");
  });

  it("-h works even with a broken config", async () => {
    const r = await pump(["-h", "-c", configFile("{ broken")], { PUMPIO_PORT: "abc" });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: pump/);
  });

  it("--version and -v print the package version and exit 0", async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    for (const flag of ["--version", "-v"]) {
      const r = await pump([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim(), version);
    }
  });
});

describe("bin/pump --show-config: precedence and coercion", () => {
  it("prints the effective config with secrets redacted", async () => {
    const c = await showConfig(["-c", configFile({ driver: "mongodb", params: { password: "hunter2hunter2" } })]);
    assert.equal(c.secret, "[redacted]");
    assert.equal((c.params as Record<string, unknown>).password, "[redacted]");
    assert.equal(c.port, 31337);
    assert.equal(c.driver, "mongodb");
  });

  it("orders file < PUMPIO_* < flags", async () => {
    const file = configFile({ port: 1111, site: "file", owner: "file", logLevel: "warn" });
    const c = await showConfig(["-c", file, "--owner", "flag"], { PUMPIO_PORT: "2222", PUMPIO_OWNER: "env" });
    assert.equal(c.logLevel, "warn");
    assert.equal(c.site, "file");
    assert.equal(c.port, 2222);
    assert.equal(c.owner, "flag");
  });

  it("reads ~/.pump.io.json from HOME", { skip: ETC_EXISTS ? "/etc/pump.io.json exists on this machine" : false }, async () => {
    const home = tmp();
    writeConfig(home, ".pump.io.json", { secret: GOOD_SECRET, site: "home site" });
    const c = await showConfig([], {}, home);
    assert.equal(c.site, "home site");
  });

  it("reads the file named by PUMPIO_CONFIG", async () => {
    const c = await showConfig([], { PUMPIO_CONFIG: configFile({ site: "via env" }) });
    assert.equal(c.site, "via env");
  });

  it("deep-merges params and nests PUMPIO_PARAMS__HOST", async () => {
    const file = configFile({ driver: "mongodb", params: { host: "file-host", dbname: "pump" } });
    const c = await showConfig(["-c", file, "--params.port", "27018"], { PUMPIO_PARAMS__HOST: "env-host" });
    assert.deepEqual(c.params, { host: "env-host", dbname: "pump", port: "27018" });
  });

  it("PUMPIO_BOUNCE=1 is true; --no-bounce and --bounce false override it", async () => {
    const file = configFile({});
    assert.equal((await showConfig(["-c", file], { PUMPIO_BOUNCE: "1" })).bounce, true);
    assert.equal((await showConfig(["-c", file, "--no-bounce"], { PUMPIO_BOUNCE: "1" })).bounce, false);
    assert.equal((await showConfig(["-c", file, "--bounce", "false"], { PUMPIO_BOUNCE: "1" })).bounce, false);
  });

  it("keeps numeric-looking strings as strings", async () => {
    const c = await showConfig(["-c", configFile({}), "--site", "007"], { PUMPIO_HOSTNAME: "1234" });
    assert.equal(c.site, "007");
    assert.equal(c.hostname, "1234");
    assert.equal(c.smtpfrom, "no-reply@1234");
  });

  it("loads pump.io.json.example when a secret is supplied", async () => {
    const c = await showConfig(["-c", EXAMPLE], { PUMPIO_SECRET: GOOD_SECRET });
    assert.equal(c.port, 31337);
    assert.equal(c.secret, "[redacted]");
  });
});

describe("bin/pump: each configuration error exits 1 with one clear line", () => {
  it("invalid JSON names the file and the position", async () => {
    const file = configFile('{\n  "port": 8000,\n}\n');
    await expectConfigError(["-c", file], {}, new RegExp(`^Config file ${file} is not valid JSON: .* at line 3, column 1\\. Fix the syntax`));
  });

  it("a missing -c file", async () => {
    await expectConfigError(["-c", join(tmp(), "missing.json")], {}, /missing\.json \(from -c\/--config\) does not exist/);
  });

  it("an unavailable driver says what to install", async () => {
    await expectConfigError(["-c", configFile({ driver: "couchbase" })], {}, /^driver: "couchbase" \(from .*\) is not available.*npm install databank-couchbase/);
  });

  it("a non-numeric port from the environment", async () => {
    const line = await expectConfigError(["-c", configFile({})], { PUMPIO_PORT: "abc" }, /./);
    assert.equal(line, 'pump: port: "abc" (from environment variable PUMPIO_PORT) is not a valid port number (1-65535)');
  });

  it("a non-numeric port in a file names the file", async () => {
    const file = configFile({ port: "abc" });
    const line = await expectConfigError(["-c", file], {}, /./);
    assert.equal(line, `pump: port: "abc" (from ${file}) is not a valid port number (1-65535)`);
  });

  it("an out-of-range urlPort and bouncePort", async () => {
    await expectConfigError(["-c", configFile({}), "--url-port", "99999"], {}, /^urlPort: "99999" \(from command-line flag --url-port\) is not a valid port number/);
    await expectConfigError(["-c", configFile({ bouncePort: 0 })], {}, /^bouncePort: 0 \(from .*\) is not a valid port number/);
  });

  it("a bad boolean", async () => {
    await expectConfigError(["-c", configFile({})], { PUMPIO_BOUNCE: "sure" }, /^bounce: "sure" \(from environment variable PUMPIO_BOUNCE\) is not a boolean/);
  });

  it("a missing secret", async () => {
    await expectConfigError(["-c", configFile("{}")], {}, /^secret is not set.*long random string/);
  });

  it("the sample secret", async () => {
    await expectConfigError(["-c", configFile({ secret: "my dog has fleas" })], {}, /^secret \(from .*\) is the published sample value "my dog has fleas".*long random string/);
  });

  it("the obsolete uploaddir", async () => {
    await expectConfigError(["-c", configFile({ uploaddir: "/srv/up" })], {}, /^"uploaddir" \(set in .*\) is obsolete.*"datadir".*"enableUploads"/);
  });

  it("an internal key", async () => {
    await expectConfigError(["-c", configFile({ workers: 4 })], {}, /^"workers" \(set in .*\) is computed by pump and cannot be configured.*"children"/);
    await expectConfigError(["-c", configFile({})], { PUMPIO_NICKNAME_BLACKLIST: "[]" }, /^"nicknameBlacklist" \(set in environment variable PUMPIO_NICKNAME_BLACKLIST\) is computed/);
  });

  it("a numeric controlSocket", async () => {
    await expectConfigError(["-c", configFile({ controlSocket: "8000" })], {}, /^controlSocket: "8000" .* looks like a port number.*Unix socket/);
  });

  it("an unknown log level", async () => {
    await expectConfigError(["-c", configFile({})], { PUMPIO_LOG_LEVEL: "loud" }, /^logLevel: "loud" .* is not a log level; use one of fatal, error, warn, info, debug, trace/);
  });

  it("key without cert", async () => {
    const dir = tmp();
    const key = writeConfig(dir, "key.pem", "k");
    await expectConfigError(["-c", configFile({ key })], {}, /^key is set \(from .*\) but cert is not/);
  });

  it("spamhost without spamclientid/spamclientsecret", async () => {
    await expectConfigError(["-c", configFile({ spamhost: "https://spam.example" })], {}, /^spamhost is set .* but spamclientid and spamclientsecret are not both set/);
  });

  it("requireEmail without smtpserver", async () => {
    await expectConfigError(["-c", configFile({ requireEmail: true })], {}, /^requireEmail is on .* smtpserver is not set/);
  });

  it("a stray argument", async () => {
    await expectConfigError(["start"], {}, /^unexpected argument "start"/);
  });

  it("a port below 1024 when not root", async () => {
    const asRoot = process.getuid?.() === 0;
    const dir = tmp();
    const file = writeConfig(dir, "pump.json", { secret: GOOD_SECRET, port: 80 });
    if (asRoot) {
      // Run as nobody, so the real uid check is exercised.
      chmodSync(dir, 0o755);
      chmodSync(file, 0o644);
    }
    const home = tmp();
    if (asRoot) chmodSync(home, 0o755);
    const opts = asRoot ? { uid: 65534, gid: 65534 } : {};
    const r = await pump(["-c", file], {}, { ...opts, home });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^pump: port: 80 \(from .*pump\.json\) is below 1024, which only root may listen on, and pump runs as uid \d+/);
  });
});
