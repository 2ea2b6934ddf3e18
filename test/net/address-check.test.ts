// The address check every server-to-server request passes (SSRF): the
// ranges it refuses, the admin's allow-list, and names that resolve into
// refused ranges. No traffic at all: names resolve through the test's own resolver.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AddressRefusedError, checkHost, createAddressPolicy, parseAllowEntry, type Resolver } from "../../lib/net/address-check";

const refused = [
  "127.0.0.1", "127.255.0.9", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1",
  "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "224.0.0.1", "255.255.255.255", "192.0.2.1",
  "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
  "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1", "ff02::1",
  // Not dotted quads: never what a connection uses, refused rather than guessed.
  "2130706433", "0x7f.0.0.1", "localhost", "",
];
const allowed = ["93.184.216.34", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"];

describe("the address policy", () => {
  const policy = createAddressPolicy();
  for (const ip of refused) it(`refuses ${JSON.stringify(ip)}`, () => assert.equal(policy.allows(ip), false));
  for (const ip of allowed) it(`allows public ${ip}`, () => assert.equal(policy.allows(ip), true));

  it("lets the admin allow ranges and single addresses, and nothing more", () => {
    const p = createAddressPolicy(["127.0.0.0/8", "10.1.2.3", "fd00::/8"]);
    for (const ip of ["127.0.0.1", "127.0.0.2", "::ffff:127.0.0.1", "10.1.2.3", "fd00::5"]) assert.equal(p.allows(ip), true, ip);
    for (const ip of ["10.1.2.4", "192.168.0.1", "::1", "fc00::1", "169.254.169.254"]) assert.equal(p.allows(ip), false, ip);
  });

  it("names a bad allow-list entry", () => {
    assert.throws(() => parseAllowEntry("10.0.0.0/33"), /"10\.0\.0\.0\/33" is not an IP address or CIDR range/);
    assert.throws(() => parseAllowEntry("intranet"), /"intranet"/);
  });
});

describe("checkHost", () => {
  const table: Record<string, string[]> = {
    "evil.test": ["10.0.0.7"],
    "meta.test": ["169.254.169.254"],
    "six.test": ["fd00::1", "fe80::2"],
    "mixed.test": ["192.168.0.1", "93.184.216.34"],
    "good.test": ["93.184.216.34"],
    "mapped.test": ["::ffff:127.0.0.1"],
  };
  const resolver: Resolver = async (name) => {
    const a = table[name];
    if (!a) throw new Error(`ENOTFOUND ${name}`);
    return a.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  const policy = createAddressPolicy();

  for (const name of ["evil.test", "meta.test", "six.test", "mapped.test"]) {
    it(`refuses ${name}, which resolves only to refused addresses`, async () => {
      await assert.rejects(checkHost(name, policy, resolver), (err) => err instanceof AddressRefusedError && err.hostname === name);
    });
  }
  it("keeps only the allowed addresses of a name that resolves to a mix", async () => {
    assert.deepEqual(await checkHost("mixed.test", policy, resolver), [{ address: "93.184.216.34", family: 4 }]);
  });
  it("takes IP literals (bracketed IPv6 too) without resolving them", async () => {
    await assert.rejects(checkHost("[::1]", policy, resolver), AddressRefusedError);
    await assert.rejects(checkHost("127.0.0.1", policy, resolver), AddressRefusedError);
    assert.deepEqual(await checkHost("8.8.8.8", policy, resolver), [{ address: "8.8.8.8", family: 4 }]);
  });
  it("allows a listed private range through a name", async () => {
    assert.equal((await checkHost("evil.test", createAddressPolicy(["10.0.0.0/8"]), resolver))[0].address, "10.0.0.7");
  });
});
