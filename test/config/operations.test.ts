// The operations keys: metricsPort and metricsToken are checked at load
// (a guessable token or a port clash stops pump with a message naming the
// key); plugins is a built feature now, accepted by bin/pump.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactConfig } from "../../lib/config/redact";
import { GOOD_SECRET, load, runPump, throwsConfig, tmp, writeConfig } from "./support";

describe("metrics keys", () => {
  it("are off by default", () => {
    const { config } = load({ argv: ["--secret", GOOD_SECRET] });
    assert.equal(config.metricsPort, null);
    assert.equal(config.metricsToken, null);
  });

  it("take a port and a long token, from a file, PUMPIO_* or flags; the token is redacted", () => {
    const file = writeConfig(tmp(), "pump.json", { secret: GOOD_SECRET, metricsPort: 9464 });
    const { config } = load({ argv: ["-c", file], env: { PUMPIO_METRICS_TOKEN: "0123456789abcdef-long" } });
    assert.equal(config.metricsPort, 9464);
    assert.equal(config.metricsToken, "0123456789abcdef-long");
    assert.equal(redactConfig(config).metricsToken, "[redacted]");
  });

  it("refuse a short token", () => {
    throwsConfig(() => load({ argv: ["--secret", GOOD_SECRET, "--metrics-token", "short"] }), /^metricsToken \(from .*\) is shorter than 16 characters/);
  });

  it("refuse a metrics port that is also the main port", () => {
    throwsConfig(() => load({ argv: ["--secret", GOOD_SECRET, "--port", "8000", "--metrics-port", "8000"] }), /^metricsPort: 8000 \(from .*\) is also port/);
  });

  it("refuse a metrics port that is not a port", () => {
    throwsConfig(() => load({ argv: ["--secret", GOOD_SECRET, "--metrics-port", "70000"] }), /^metricsPort: "70000" .*not a valid port number/);
  });
});

describe("plugins", () => {
  it("bin/pump accepts the key (no longer an unbuilt feature)", async () => {
    const file = writeConfig(tmp(), "pump.json", { secret: GOOD_SECRET });
    const r = await runPump(["--show-config", "-c", file, "--plugins", "pump-plugin-x,./local-plugin.js"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { plugins: string[] }).plugins, ["pump-plugin-x", "./local-plugin.js"]);
  });
});
