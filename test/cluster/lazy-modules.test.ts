/**
 * A worker does not load sharp (libvips) or nodemailer at start: they cost
 * every worker ~30 MB between them and most requests never use them; nor
 * ws (realtime) or showdown (Markdown of web posts). They are loaded, and
 * work, when first needed. The master does not load the app at all.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { startTestServer } from "../support/server";
import { processImage } from "../../lib/uploads/images";
import { composeHtml } from "../../lib/web/compose";

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

/** A WebSocket handshake by hand (this file must not load ws itself): the status line the server answers. */
function upgrade(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, {
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

test("a started worker has not loaded ws or showdown; a realtime connection opens and Markdown is rendered when they come", async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  assert.equal((await fetch(`${server.url}/api/user/nobody/feed`)).status, 401);
  assert.equal(loaded("ws"), false, "ws loaded at start");
  assert.equal(loaded("showdown"), false, "showdown loaded at start");

  assert.equal(await upgrade(server.url, "/main/realtime"), 101);
  assert.equal(loaded("ws"), true);
  const { html } = await composeHtml("**bold** and _it_", { host: "127.0.0.1", local: async () => null });
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<em>it<\/em>/);
  assert.equal(loaded("showdown"), true);
});

test("the master's code (bin/pump before it forks) does not load the app", () => {
  const cli = require.resolve("../../lib/cli/pump");
  const app = require.resolve("../../lib/app");
  const out = execFileSync(process.execPath, ["-e", `require(${JSON.stringify(cli)}); process.stdout.write(String(Boolean(require.cache[${JSON.stringify(app)}])))`], { encoding: "utf8" });
  assert.equal(out, "false");
});
