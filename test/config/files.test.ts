import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { KEY_SPECS } from "../../lib/config/keys";
import { GOOD_SECRET, load, throwsConfig, tmp, writeConfig } from "./support";

const EXAMPLE = resolve(__dirname, "../../../pump.io.json.example");

describe("config files", () => {
  it("reports invalid JSON with the file, line and column and a hint", () => {
    const dir = tmp();
    const file = writeConfig(dir, "bad.json", '{\n  "port": 8000,\n  "site": "x",\n}\n');
    const e = throwsConfig(() => load({ argv: ["-c", file] }), /is not valid JSON/, /at line 4, column 1/, /no trailing commas/);
    assert.ok(e.message.startsWith(`Config file ${file} `));
  });

  it("reports a truncated or empty file", () => {
    const dir = tmp();
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "empty.json", "")] }), /empty\.json is not valid JSON/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "cut.json", '{"port": 1')] }), /cut\.json is not valid JSON/);
  });

  it("reports invalid JSON in the default locations too", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", "{ // comment\n}");
    throwsConfig(() => load({ etcFile: etc }), new RegExp(`^Config file ${etc} is not valid JSON: .* at line 1, column 3`));
  });

  it("requires a JSON object", () => {
    const dir = tmp();
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "arr.json", "[1,2]")] }), /must contain one JSON object .*not an array/);
  });

  it("skips missing default files but not a missing -c file", () => {
    const dir = tmp();
    assert.deepEqual(load({ etcFile: join(dir, "nope.json"), homeDir: dir }).sources, []);
    throwsConfig(() => load({ argv: ["-c", join(dir, "nope.json")] }), /nope\.json \(from -c\/--config\) does not exist/);
    throwsConfig(() => load({ env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_CONFIG: join(dir, "nope.json") } }), /from PUMPIO_CONFIG\) does not exist/);
  });

  it("reports a config path that is a directory", () => {
    const dir = tmp();
    const etc = join(dir, "etc.json");
    mkdirSync(etc);
    throwsConfig(() => load({ etcFile: etc }), /is a directory/);
  });

  it("type-checks file values, accepting numeric strings for numbers", () => {
    const dir = tmp();
    assert.equal(load({ argv: ["-c", writeConfig(dir, "a.json", { port: "8080" })] }).config.port, 8080);
    const bad = writeConfig(dir, "b.json", { port: "abc" });
    const e = throwsConfig(() => load({ argv: ["-c", bad] }));
    assert.equal(e.message, `port: "abc" (from ${bad}) is not a valid port number (1-65535)`);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "c.json", { port: 8080.5 })] }), /^port: 8080\.5 .* not a valid port/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "d.json", { bounce: "sometimes" })] }), /^bounce: "sometimes" \(from .*d\.json\) is not a boolean/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "e.json", { plugins: "x" })] }), /^plugins: "x" .* must be an array of strings/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "f.json", { params: [] })] }), /^params \(from .*f\.json\) must be an object/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "g.json", { hostname: true })] }), /^hostname: true .* must be a string/);
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "h.json", { hostname: "" })] }), /^hostname: "" .* must not be empty/);
    assert.equal(load({ argv: ["-c", writeConfig(dir, "i.json", { owner: "" })] }).config.owner, null);
  });

  it("never echoes a client entry that may hold a secret", () => {
    const dir = tmp();
    const file = writeConfig(dir, "c.json", { clients: [{ client_secret: "TOPSECRET" }] });
    const e = throwsConfig(() => load({ argv: ["-c", file] }), /^clients\[0\] \(from .*c\.json\) needs a non-empty string "client_id"/);
    assert.doesNotMatch(e.message, /TOPSECRET/);
  });

  it("keeps numbers given for string keys as strings", () => {
    const dir = tmp();
    const { config } = load({ argv: ["-c", writeConfig(dir, "n.json", { site: 42 })] });
    assert.equal(config.site, "42");
  });

  it("warns about unknown keys, naming the file, and ignores them", () => {
    const dir = tmp();
    const etc = writeConfig(dir, "etc.json", { foo: 1, Port: 80 });
    const { warnings, config } = load({ etcFile: etc, env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_BAR_BAZ: "x" }, argv: ["--qux", "1"] });
    assert.ok(warnings.includes(`Unknown configuration key "foo" in ${etc} (ignored)`), warnings.join("\n"));
    assert.ok(warnings.includes(`Unknown configuration key "Port" in ${etc} (ignored); did you mean "port"?`), warnings.join("\n"));
    assert.ok(warnings.includes(`Unknown configuration key "barBaz" in environment variable PUMPIO_BAR_BAZ (ignored)`), warnings.join("\n"));
    assert.ok(warnings.includes(`Unknown configuration key "qux" in command-line flag --qux (ignored)`), warnings.join("\n"));
    assert.equal(config.port, 31337);
    assert.equal((config as unknown as Record<string, unknown>).foo, undefined);
  });

  it("ignores //-comment keys silently", () => {
    const dir = tmp();
    const { warnings } = load({ argv: ["-c", writeConfig(dir, "c.json", { "//": "hello", "//port": "the port", port: 8000 })] });
    assert.deepEqual(warnings, []);
  });

  it("refuses the obsolete uploaddir, explaining datadir and enableUploads", () => {
    const dir = tmp();
    const file = writeConfig(dir, "u.json", { uploaddir: "/var/uploads" });
    throwsConfig(() => load({ argv: ["-c", file] }), new RegExp(`^"uploaddir" \\(set in ${file}\\) is obsolete`), /"datadir"/, /"enableUploads" to true/);
    throwsConfig(() => load({ env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_UPLOADDIR: "/x" } }), /"uploaddir" \(set in environment variable PUMPIO_UPLOADDIR\) is obsolete/);
  });

  for (const key of ["nicknameBlacklist", "canUpload", "haveEmail", "workers"]) {
    it(`refuses the internal key ${key}`, () => {
      const dir = tmp();
      const file = writeConfig(dir, "i.json", { [key]: 1 });
      throwsConfig(() => load({ argv: ["-c", file] }), new RegExp(`^"${key}" \\(set in ${file}\\) is computed by pump and cannot be configured`));
      throwsConfig(() => load({ argv: [`--${key}`, "2"] }), new RegExp(`"${key}" \\(set in command-line flag --${key}\\)`));
    });
  }

  it("points at children when workers is set", () => {
    throwsConfig(() => load({ env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_WORKERS: "4" } }), /Use "children"/);
  });
});

describe("pump.io.json.example", () => {
  it("loads with a secret supplied, without warnings, giving the defaults", () => {
    const cwd = tmp();
    const { config, warnings, sources } = load({ cwd, argv: ["-c", EXAMPLE] });
    assert.deepEqual(warnings, []);
    assert.deepEqual(sources, [EXAMPLE]);
    const defaults = load({ cwd }).config;
    assert.deepEqual(config, defaults);
  });

  it("fails on its own only because the secret must be set", () => {
    throwsConfig(() => load({ argv: ["-c", EXAMPLE], env: {} }), /^secret is not set/);
  });

  it("documents every key with a // comment", () => {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
    for (const key of Object.keys(KEY_SPECS)) {
      assert.ok(key in example, `example lacks ${key}`);
      assert.equal(typeof example[`//${key}`], "string", `example lacks a //${key} comment`);
    }
    assert.notEqual(example.secret, "my dog has fleas");
  });
});
