import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRestartEpoch } from "../../lib/cluster/epoch-reader";
import { RESTART_EPOCH } from "../../lib/cluster/epoch";

test("the restart epoch is read from disk each time, not from require's cache", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "pump-epoch-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "epoch.js");
  writeFileSync(file, "exports.RESTART_EPOCH = 1;\n");
  assert.equal(readRestartEpoch(file), 1);
  writeFileSync(file, "exports.RESTART_EPOCH = 2;\n");
  assert.equal(readRestartEpoch(file), 2);
  writeFileSync(file, "exports.RESTART_EPOCH = 'two';\n");
  assert.throws(() => readRestartEpoch(file), /numeric RESTART_EPOCH/);
});

test("by default it reads our own epoch module", () => {
  assert.equal(readRestartEpoch(), RESTART_EPOCH);
});
