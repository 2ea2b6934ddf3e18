/**
 * A site below a path (`urlPath: "pumpio"`) in real Chromium, behind a
 * proxy that passes the path through and one that strips it: the pages
 * load their stylesheet and script below the prefix, the script runs,
 * and its requests (forms, realtime) go below the prefix too.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { startPathProxy, type PathProxy } from "../support/path-proxy";
import { freePort, startTestServer, type TestServer } from "../support/server";
import { assertNotNavigated, launchBrowser, mark, newContext, NO_BROWSER, PASSWORD, postNote } from "./support";

describe("browser: a site below a path", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let proxy: PathProxy;
  let browser: Browser;

  before(async () => {
    const publicPort = await freePort();
    server = await startTestServer(["--url-port", String(publicPort), "--url-path", "pumpio"]);
    proxy = await startPathProxy(publicPort, server.port, "/pumpio");
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
  });

  for (const strip of [false, true]) {
    const nickname = strip ? "stripper" : "passer";
    test(`pages, stylesheet, script and its requests live below /pumpio (${strip ? "stripping" : "pass-through"} proxy)`, async () => {
      proxy.strip = strip;
      const ctx = await newContext(browser, proxy.url);
      const page = await ctx.newPage();
      const seen: Array<{ path: string; status: number }> = [];
      page.on("response", (r) => seen.push({ path: new URL(r.url()).pathname, status: r.status() }));

      await page.goto(`${proxy.url}/pumpio/main/register`);
      assert.equal(seen.find((s) => s.path === "/pumpio/stylesheet/pump.css")?.status, 200, JSON.stringify(seen));
      assert.equal(seen.find((s) => /^\/pumpio\/build\/app\.[A-Z0-9]+\.js$/.test(s.path))?.status, 200, JSON.stringify(seen));
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains("js")), "the client script ran");
      const styled = await page.evaluate(() => [...document.styleSheets].some((s) => (s.href ?? "").endsWith("/pumpio/stylesheet/pump.css") && s.cssRules.length > 0));
      assert.ok(styled, "the stylesheet applies");

      await page.getByLabel("Nickname").fill(nickname);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByLabel("Repeat password").fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => u.pathname === "/pumpio/"), page.getByRole("button", { name: "Register" }).click()]);

      // The enhanced post form: the script posts to <prefix>/main/post, no page load.
      await mark(page);
      await postNote(page, `Hello from below a path, ${nickname}.`);
      await page.locator("li", { hasText: `Hello from below a path, ${nickname}.` }).first().waitFor();
      await assertNotNavigated(page);

      const ours = seen.filter((s) => s.path !== "/favicon.ico");
      assert.deepEqual(ours.filter((s) => !s.path.startsWith("/pumpio/")), [], "every request went below the prefix");
      assert.deepEqual(ours.filter((s) => s.status >= 400), [], "no request failed");
      assert.deepEqual(ctx.errors, []);
      await ctx.close();
    });
  }
});
