// federationAllowedAddresses: a list of addresses or CIDR ranges, empty by default; a bad entry stops pump naming it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GOOD_SECRET, load, throwsConfig, tmp, writeConfig } from "./support";

describe("federationAllowedAddresses", () => {
  it("is empty by default and takes a list, also from the environment", () => {
    assert.deepEqual(load().config.federationAllowedAddresses, []);
    const file = writeConfig(tmp(), "pump.json", { federationAllowedAddresses: ["127.0.0.0/8", "fd00::/8", "10.1.2.3"] });
    assert.deepEqual(load({ argv: ["-c", file] }).config.federationAllowedAddresses, ["127.0.0.0/8", "fd00::/8", "10.1.2.3"]);
    assert.deepEqual(load({ env: { PUMPIO_SECRET: GOOD_SECRET, PUMPIO_FEDERATION_ALLOWED_ADDRESSES: "127.0.0.0/8,::1" } }).config.federationAllowedAddresses, ["127.0.0.0/8", "::1"]);
  });
  it("refuses an entry that is not an address or range", () => {
    const file = writeConfig(tmp(), "pump.json", { federationAllowedAddresses: ["127.0.0.0/8", "intranet.local"] });
    throwsConfig(() => load({ argv: ["-c", file] }), /^federationAllowedAddresses \(from .*\): "intranet\.local" is not an IP address or CIDR range/);
  });
});
