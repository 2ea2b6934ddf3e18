// /favicon.ico (bundled or configured), /shared/*.js from the installed
// libraries, and the CSP that keeps inline styles and data: images out.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../lib/version";
import { startTestServer, type TestServer } from "../support/server";

let srv: TestServer;
let custom: TestServer;
const CUSTOM_ICON = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

before(async () => {
  srv = await startTestServer();
  // A site whose `favicon` names its own file.
  writeFileSync(join(srv.datadir, "my-icon.png"), CUSTOM_ICON);
  custom = await startTestServer(["--favicon", join(srv.datadir, "my-icon.png")]);
});
after(async () => {
  await custom.close();
  await srv.close();
});

test("/favicon.ico is the bundled icon, cacheable, with no session and no login", async () => {
  const res = await fetch(`${srv.url}/favicon.ico`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^image\/(x-icon|vnd\.microsoft\.icon)/);
  assert.match(res.headers.get("cache-control") ?? "", /max-age=86400/);
  assert.ok(res.headers.get("etag") || res.headers.get("last-modified"), "revalidation headers");
  assert.equal(res.headers.get("set-cookie"), null);
  const body = Buffer.from(await res.arrayBuffer());
  assert.deepEqual(body, readFileSync(join(packageRoot(), "public", "images", "favicon.ico")));
  // An ICO header: reserved 0, type 1 (icon), at least one image.
  assert.equal(body.readUInt16LE(0), 0);
  assert.equal(body.readUInt16LE(2), 1);
  assert.ok(body.readUInt16LE(4) >= 1);
  const head = await fetch(`${srv.url}/favicon.ico`, { method: "HEAD" });
  assert.equal(head.status, 200);
});

test("config `favicon` names the file served instead", async () => {
  const res = await fetch(`${custom.url}/favicon.ico`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("cache-control") ?? "", /max-age=86400/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), CUSTOM_ICON);
});

test("/shared/showdown.js, /shared/lodash.js and /shared/lodash-min.js are the installed libraries", async () => {
  for (const [path, file] of [
    ["/shared/showdown.js", "showdown/dist/showdown.js"],
    ["/shared/lodash.js", "lodash/lodash.js"],
    ["/shared/lodash-min.js", "lodash/lodash.min.js"],
  ] as const) {
    const res = await fetch(`${srv.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /javascript/, path);
    assert.match(res.headers.get("cache-control") ?? "", /max-age=3600/, path);
    assert.equal(await res.text(), readFileSync(require.resolve(file), "utf8"), path);
  }
  const other = await fetch(`${srv.url}/shared/jquery.js`);
  assert.equal(other.status, 404);
});

test("the CSP applies no inline style and loads images only from here or http(s), never data:", async () => {
  const res = await fetch(`${srv.url}/`);
  const csp = res.headers.get("content-security-policy") ?? "";
  const directive = (name: string): string[] => (csp.split(";").map((d) => d.trim().split(/\s+/)).find((d) => d[0] === name) ?? []).slice(1);
  assert.deepEqual(directive("style-src"), ["'self'"]);
  assert.deepEqual(directive("img-src"), ["'self'", "blob:", "https:", "http:"], "http: only because this test site is itself on http");
  assert.ok(!csp.includes("unsafe-inline"), csp);
  assert.ok(!csp.includes("data:"), csp);
  assert.deepEqual(directive("script-src"), ["'self'"]);
});
