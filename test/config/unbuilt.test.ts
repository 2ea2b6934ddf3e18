import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULTS } from "../../lib/config";
import { helpText } from "../../lib/config/help";
import { KEY_SPECS } from "../../lib/config/keys";
import { UNBUILT_KEYS } from "../../lib/config/unbuilt";
import type { SettableKey } from "../../lib/config/types";
import { GOOD_SECRET, load, runPump, throwsConfig, tmp, writeConfig } from "./support";

/** A value that asks for the key's feature (truthy, not the default); undefined when only the default is truthy. */
function askingValue(key: SettableKey): unknown {
  const spec = KEY_SPECS[key] as { kind: string };
  if (spec.kind === "boolean") return DEFAULTS[key] === true ? undefined : true;
  if (spec.kind === "int") return key === "smtpport" ? 587 : 5000;
  if (spec.kind === "stringArray") return ["some-plugin"];
  return key === "spamhost" ? "https://spam.example" : "x.example";
}

const notAvailable = (key: string) => new RegExp(`^${key} \\(from .*\\) is set, but .* is not available in this version of pump\\.io: remove "${key}"`);

describe("keys of features that are not built yet", () => {
  it("no longer include email, uploads, plugins, the firehose, spam checking or the debug client", () => {
    for (const k of ["requireEmail", "smtpserver", "favicon", "enableUploads", "plugins", "firehose", "spamhost", "spamclientid", "spamclientsecret", "debugClient"]) assert.ok(!(k in UNBUILT_KEYS), `${k} is built`);
  });

  for (const key of Object.keys(UNBUILT_KEYS) as SettableKey[]) {
    const value = askingValue(key);
    if (value === undefined) continue;
    it(`${key}: ${JSON.stringify(value)} in a config file stops pump, naming the key`, () => {
      const file = writeConfig(tmp(), "pump.json", { [key]: value });
      throwsConfig(() => load({ argv: ["-c", file] }), notAvailable(key));
    });
  }

  it("accept every falsy value and the defaults", () => {
    // smtpport and smtptimeout cannot be off (null = their default; 0 is no port or timeout).
    const offOf = (k: string, off: unknown): unknown => (k === "smtpport" || k === "smtptimeout" ? null : off);
    for (const off of [false, null, "", 0]) {
      const file = writeConfig(tmp(), "pump.json", Object.fromEntries(Object.keys(UNBUILT_KEYS).map((k) => [k, offOf(k, off)])));
      load({ argv: ["-c", file] });
    }
    load({ argv: ["-c", writeConfig(tmp(), "pump.json", Object.fromEntries(Object.keys(UNBUILT_KEYS).map((k) => [k, DEFAULTS[k as SettableKey]])))] });
  });
});

describe("bin/pump refuses a key of an unbuilt feature", () => {
  const cases: Array<[string, string[], Record<string, string>]> = [
  ];
  for (const [key, args, env] of cases) {
    it(`${key}: exit 1 and one line naming it`, async () => {
      const file = writeConfig(tmp(), "pump.json", { secret: GOOD_SECRET, ...(key === "firehose" ? { firehose: "ofirehose.com" } : {}) });
      const r = await runPump(args.includes("FILE") ? args.map((a) => (a === "FILE" ? file : a)) : ["-c", file, ...args], env);
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? "", /^pump: /);
      assert.match((lines[0] ?? "").slice("pump: ".length), notAvailable(key));
    });
  }

  it("starts with all of them off (the example file's values)", async () => {
    const file = writeConfig(tmp(), "pump.json", { secret: GOOD_SECRET, firehose: false, plugins: [], enableUploads: false, requireEmail: null, smtpserver: "", spamhost: null });
    const r = await runPump(["--show-config", "-c", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { firehose: unknown }).firehose, null);
  });
});

describe("--help claims only what works", () => {
  it("offers no key of an unbuilt feature", () => {
    const text = helpText();
    for (const key of Object.keys(UNBUILT_KEYS)) assert.doesNotMatch(text, new RegExp(`\\b${key}\\b|PUMPIO_${key}\\b`, "i"), key);
  });
});
