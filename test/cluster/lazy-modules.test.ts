/**
 * A worker does not load sharp (libvips) or nodemailer at start: they cost
 * every worker ~30 MB between them and most requests never use them. They
 * are loaded, and work, when first needed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer } from "../support/server";
import { processImage } from "../../lib/uploads/images";

const loaded = (pkg: string): boolean => Object.keys(require.cache).some((k) => k.includes(`/node_modules/${pkg}/`));

// A 2×2 RGB PNG, written out by hand so that the test itself does not load sharp.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8AARGDiPwMAHfAD/aAzCYkAAAAASUVORK5CYII=", "base64");

test("a started worker has not loaded sharp or nodemailer; an image is still processed when one comes", async (t) => {
  const server = await startTestServer(["--enableUploads", "true", "--smtpserver", "127.0.0.1", "--smtpport", "2525"]);
  t.after(() => server.close());
  const res = await fetch(`${server.url}/api/user/nobody/feed`);
  assert.equal(res.status, 401);
  assert.equal(loaded("sharp"), false, "sharp loaded at start");
  assert.equal(loaded("nodemailer"), false, "nodemailer loaded at start");

  const dir = mkdtempSync(join(tmpdir(), "pump-lazy-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "in.png"), PNG);
  const out = await processImage(join(dir, "in.png"), (ext) => join(dir, `full.${ext}`), (ext) => join(dir, `thumb.${ext}`), true);
  assert.equal(out.mime, "image/png");
  assert.deepEqual(out.full, { width: 2, height: 2 });
  assert.ok(readFileSync(join(dir, "thumb.png")).length > 0);
  assert.equal(loaded("sharp"), true);
});
