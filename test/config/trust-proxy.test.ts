// `trustProxy`: Express' `trust proxy` setting, typed like every other key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GOOD_SECRET, load, throwsConfig, tmp, writeConfig } from "./support";

const env = (vars: Record<string, string>) => ({ PUMPIO_SECRET: GOOD_SECRET, ...vars });
const fromEnv = (text: string) => load({ env: env({ PUMPIO_TRUST_PROXY: text }) }).config.trustProxy;

describe("trustProxy", () => {
  it("is false by default: X-Forwarded-* headers are not believed", () => {
    assert.equal(load().config.trustProxy, false);
  });

  it("takes a boolean, a number of hops, or addresses and subnets (text of variables and flags)", () => {
    assert.equal(fromEnv("true"), true);
    assert.equal(fromEnv("off"), false);
    assert.equal(fromEnv("1"), 1);
    assert.equal(fromEnv("2"), 2);
    assert.deepEqual(fromEnv("loopback"), ["loopback"]);
    assert.deepEqual(fromEnv("loopback, 10.0.0.0/8 ,::1"), ["loopback", "10.0.0.0/8", "::1"]);
    assert.deepEqual(fromEnv('["uniquelocal", "192.168.1.1/255.255.255.0"]'), ["uniquelocal", "192.168.1.1/255.255.255.0"]);
    assert.deepEqual(load({ argv: ["--trust-proxy", "127.0.0.1"] }).config.trustProxy, ["127.0.0.1"]);
  });

  it("takes the same values from a config file", () => {
    const dir = tmp();
    for (const [value, expected] of [[true, true], [3, 3], ["linklocal", ["linklocal"]], [["127.0.0.1", "fd00::/8"], ["127.0.0.1", "fd00::/8"]]] as const) {
      const file = writeConfig(dir, "pump.json", { trustProxy: value });
      assert.deepEqual(load({ argv: ["-c", file], cwd: dir }).config.trustProxy, expected);
    }
  });

  it("refuses what Express would not understand, naming the key and the bad entry", () => {
    throwsConfig(() => fromEnv("proxy.example.com"), /^trustProxy: "proxy\.example\.com" \(from environment variable PUMPIO_TRUST_PROXY\)/, /address/);
    throwsConfig(() => fromEnv("10.0.0.0/33"), /trustProxy/, /10\.0\.0\.0\/33/);
    throwsConfig(() => fromEnv("-1"), /trustProxy/);
    const dir = tmp();
    throwsConfig(() => load({ argv: ["-c", writeConfig(dir, "bad.json", { trustProxy: { a: 1 } })], cwd: dir }), /trustProxy/);
  });
});
