/**
 * The client script as the server hands it out: a fingerprinted name
 * from public/build/manifest.json in every page's <script src>, served
 * by the server itself with a year-long immutable cache, and no inline
 * script anywhere (CSP script-src 'self').
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { packageRoot } from "../../lib/version";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

test("pages load the fingerprinted bundle named by the manifest, cached for a year", async () => {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(join(packageRoot(), "public", "build", "manifest.json"), "utf8")) as Record<string, string>;
  } catch (err) {
    assert.fail(`the client bundle is not built (run \`npm run build\`): ${(err as Error).message}`);
  }
  assert.match(manifest["app.js"], /^build\/app\.[A-Z0-9]+\.js$/);
  for (const path of ["/", "/main/login", "/main/register", "/no/such/page"]) {
    const html = await (await fetch(server.url + path, { headers: { Accept: "text/html" } })).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts.map((a) => /src="([^"]+)"/.exec(a)?.[1] ?? "INLINE"), [`/${manifest["app.js"]}`], `scripts of ${path}`);
    assert.doesNotMatch(html, /\son[a-z]+=/i, `inline event handler on ${path}`);
  }
  const res = await fetch(`${server.url}/${manifest["app.js"]}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /javascript/);
  assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.ok((await res.text()).length > 1000);
  assert.equal((await fetch(`${server.url}/build/app.NOSUCHFILE.js`)).status, 404);
});

test("debugClient: pages load the unminified bundle instead (the same code, readable in the browser's tools)", async (t) => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "public", "build", "manifest.json"), "utf8")) as Record<string, string>;
  assert.match(manifest["app-debug.js"], /^build\/app-debug\.[A-Z0-9]+\.js$/);
  const debug = await startTestServer(["--debug-client", "true"]);
  t.after(() => debug.close());
  const html = await (await fetch(`${debug.url}/main/login`, { headers: { Accept: "text/html" } })).text();
  const srcs = [...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(srcs, [`/${manifest["app-debug.js"]}`]);
  const [plain, minified] = await Promise.all([manifest["app-debug.js"], manifest["app.js"]].map(async (p) => (await fetch(`${debug.url}/${p}`)).text()));
  assert.ok(plain.split("\n").length > 10 * minified.split("\n").length, "the debug bundle keeps its lines");
});
