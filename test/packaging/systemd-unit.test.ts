// The systemd unit (lib/packaging/systemd/pump.io.service): systemd itself
// accepts it, rates its sandbox at least "OK", and it has what the design
// asks: strict read-only system with the data directory writable, no new
// privileges, private devices and tmp, only CAP_NET_BIND_SERVICE, reload =
// zero-downtime restart, restart on failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../support/process";

const UNIT = join(REPO_ROOT, "lib", "packaging", "systemd", "pump.io.service");
const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
const skip: string | false = analyze.status === 0 ? false : "systemd-analyze is not installed: systemd unit checks skipped";

/** The unit's settings of [Service], every value of each key. */
function settings(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(UNIT, "utf8").split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

test("the unit has the sandboxing, reload and restart settings", () => {
  const s = settings();
  const one = (k: string) => s.get(k)?.join(" ");
  assert.equal(one("ProtectSystem"), "strict");
  assert.equal(one("ReadWritePaths"), "/var/lib/pump.io");
  assert.match(one("Environment") ?? "", /PUMPIO_DATADIR=\/var\/lib\/pump\.io/, "the data directory is the writable one");
  for (const k of ["NoNewPrivileges", "PrivateDevices", "PrivateTmp", "ProtectHome"]) assert.equal(one(k), "true", k);
  assert.equal(one("CapabilityBoundingSet"), "CAP_NET_BIND_SERVICE");
  assert.match(one("ExecReload") ?? "", /pumpctl -s \/run\/pump\.io\/control\.socket restart$/);
  assert.match(one("Environment") ?? "", /PUMPIO_CONTROL_SOCKET=\/run\/pump\.io\/control\.socket/, "reload talks to the socket pump listens on");
  assert.equal(one("Restart"), "on-failure");
});

test("systemd-analyze verify accepts the unit", { skip }, () => {
  // Verified with the commands pointing at this checkout (the unit names the installed /usr/bin paths).
  const dir = mkdtempSync(join(tmpdir(), "pump-unit-"));
  try {
    const file = join(dir, "pump.io.service");
    const text = readFileSync(UNIT, "utf8").replaceAll("/usr/bin/pump", join(REPO_ROOT, "bin", "pump"));
    writeFileSync(file, text);
    const r = spawnSync("systemd-analyze", ["verify", "--man=no", file], { encoding: "utf8" });
    assert.equal(r.status, 0, `systemd-analyze verify:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /pump\.io\.service/, `warnings about the unit:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("systemd-analyze security rates the unit's sandbox at least OK", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pump-unit-"));
  try {
    const file = join(dir, "pump.io.service");
    copyFileSync(UNIT, file);
    // --offline (systemd 250+) judges the file itself, not a loaded unit.
    const r = spawnSync("systemd-analyze", ["security", "--offline=yes", "--no-pager", file], { encoding: "utf8" });
    const out = `${r.stdout}${r.stderr}`;
    const m = /Overall exposure level for pump\.io\.service: ([\d.]+) (\w+)/.exec(out);
    assert.ok(m, `no rating in:\n${out}`);
    assert.ok(["SAFE", "OK"].includes(m[2]!), `rated ${m[1]} ${m[2]}:\n${out}`);
    // The same bar as a number: OK ends below 4.0 on systemd's scale (MEDIUM, EXPOSED, UNSAFE above).
    const t = spawnSync("systemd-analyze", ["security", "--offline=yes", "--threshold=39", "--no-pager", file], { encoding: "utf8" });
    assert.equal(t.status, 0, `above the threshold:\n${t.stdout}${t.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
