/**
 * The temp folder for uploads in progress: each request's folder goes
 * when it ends, however it ends; leftovers of a crashed worker are swept
 * at start, fresh folders of other workers are left alone.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { sweepStaleTemp, withTempDir, humanSize } from "../../lib/uploads";

describe("upload temp folder", () => {
  const root = mkdtempSync(join(tmpdir(), "pump-upload-tmp-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  test("withTempDir removes the folder after success and after failure", async () => {
    const kept = await withTempDir(root, async (dir) => {
      writeFileSync(join(dir, "body"), "x");
      return dir;
    });
    assert.ok(kept.startsWith(root));
    assert.deepEqual(readdirSync(root), []);
    await assert.rejects(
      withTempDir(root, async (dir) => {
        writeFileSync(join(dir, "body"), "x");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.deepEqual(readdirSync(root), []);
  });

  test("sweepStaleTemp removes old leftovers only", async () => {
    const old = join(root, "up-old");
    const fresh = join(root, "up-fresh");
    mkdirSync(old);
    writeFileSync(join(old, "body"), "x");
    mkdirSync(fresh);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    assert.equal(await sweepStaleTemp(root), 1);
    assert.deepEqual(readdirSync(root), ["up-fresh"]);
    assert.equal(await sweepStaleTemp(join(root, "missing")), 0);
  });

  test("limits read as people say them", () => {
    assert.equal(humanSize(10 * 1024 * 1024), "10 MB");
    assert.equal(humanSize(300 * 1024), "300 KB");
    assert.equal(humanSize(1536 * 1024), "1.5 MB");
    assert.equal(humanSize(100), "100 bytes");
  });
});
