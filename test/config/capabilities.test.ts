// A non-root pump holding CAP_NET_BIND_SERVICE (the systemd unit grants it)
// may listen on a port below 1024: the config check must not refuse it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { canBindPrivilegedPorts } from "../../lib/config/capabilities";
import { load, throwsConfig, tmp } from "./support";

function statusFile(capEff: string): string {
  const file = join(tmp(), "status");
  writeFileSync(file, `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`);
  return file;
}

describe("CAP_NET_BIND_SERVICE", () => {
  it("is read from the effective set of /proc/self/status", () => {
    assert.equal(canBindPrivilegedPorts(statusFile("0000000000000400")), true);
    assert.equal(canBindPrivilegedPorts(statusFile("000001ffffffffff")), true);
    assert.equal(canBindPrivilegedPorts(statusFile("0000000000000000")), false);
    assert.equal(canBindPrivilegedPorts(statusFile("0000000000000200")), false);
    assert.equal(canBindPrivilegedPorts(join(tmp(), "missing")), false);
  });

  it("lets a non-root process holding it use port 80; without it, port 80 is refused", () => {
    assert.equal(load({ argv: ["--port", "80"], canBindLowPorts: true }).config.port, 80);
    throwsConfig(() => load({ argv: ["--port", "80"] }), /is below 1024/, /CAP_NET_BIND_SERVICE/);
  });

  it("an admin tool never listens: no port check at all", () => {
    assert.equal(load({ argv: ["--port", "80"], purpose: "tool" }).config.port, 80);
  });
});
