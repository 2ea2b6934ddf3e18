import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, throwsConfig, tmp, GOOD_SECRET } from "./support";

describe("secretFile", () => {
  it("creates the file with a random owner-only secret when missing, and reuses it", () => {
    const dir = tmp();
    const file = join(dir, "data", "session-secret");
    const first = load({ cwd: dir, env: {}, argv: ["--secret-file", "data/session-secret"] });
    assert.match(first.config.secret ?? "", /^[0-9a-f]{64}$/);
    assert.equal(readFileSync(file, "utf8").trim(), first.config.secret);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = load({ cwd: dir, env: {}, argv: ["--secret-file", "data/session-secret"] });
    assert.equal(second.config.secret, first.config.secret, "the same secret survives restarts");
  });

  it("an explicit secret wins over secretFile, which is then not touched", () => {
    const dir = tmp();
    const { config } = load({ cwd: dir, env: { PUMPIO_SECRET: GOOD_SECRET }, argv: ["--secret-file", "s"] });
    assert.equal(config.secret, GOOD_SECRET);
    assert.throws(() => statSync(join(dir, "s")));
  });

  it("an empty secret file is a clear error", () => {
    const dir = tmp();
    writeFileSync(join(dir, "empty"), "\n");
    throwsConfig(() => load({ cwd: dir, env: {}, argv: ["--secret-file", "empty"] }), /secretFile: .*empty is empty/);
  });

  it("a secret file that cannot be created is a clear error", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a-file"), "x");
    throwsConfig(() => load({ cwd: dir, env: {}, argv: ["--secret-file", "a-file/secret"] }), /secretFile: cannot read or create .*a-file\/secret/);
  });

  it("the missing-secret error mentions secretFile", () => {
    throwsConfig(() => load({ env: {} }), /secret is not set/, /secretFile/);
  });
});
