/**
 * Log in with an account on another server, in real Chromium, between two
 * real bin/pump servers (127.0.0.7 and 127.0.0.8): from A's login page to
 * B's authorize page and back, then a note posted through A's proxy shows in
 * the inbox read through it. The new pages have no serious axe violations.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanupAfter } from "../cluster/support";
import { startPeer, user, type Peer } from "../e2e/federation-support";
import { assertAccessible, launchBrowser, newContext, NO_BROWSER, PASSWORD } from "./support";

test("browser: log in with an account on another server, post and read through the proxy", { skip: NO_BROWSER ?? false, timeout: 240_000 }, async (t) => {
  const peers: Peer[] = [];
  t.after(async () => {
    for (const p of peers) if (p.cluster.pump.child.exitCode === null) await p.cluster.stop();
  });
  for (const n of [7, 8]) {
    const p = await startPeer(n);
    cleanupAfter(t, p.dir, () => p.cluster);
    peers.push(p);
  }
  const [A, B] = peers as [Peer, Peer];
  await user(B, "bob");
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const ctx = await newContext(browser, A.url);
  const page = await ctx.newPage();

  await page.goto("/main/login");
  await Promise.all([page.waitForURL((u) => u.pathname === "/main/remote"), page.getByRole("link", { name: "Log in with an account on another server" }).click()]);
  await assertAccessible(page, "the remote login form");

  // An unknown host: the form again, with the reason.
  await page.getByLabel("Your address (user@host)").fill("nobody@127.0.0.9:1");
  await Promise.all([page.waitForLoadState("load"), page.locator("#remote-submit").click()]);
  await page.locator("#remote-error").waitFor();
  await assertAccessible(page, "the remote login form with an error");
  await page.goto("/main/remote");

  await page.getByLabel("Your address (user@host)").fill(`bob@${B.host}`);
  await Promise.all([page.waitForURL((u) => u.host === B.host && u.pathname === "/oauth/authorize"), page.locator("#remote-submit").click()]);
  await page.getByLabel("Nickname").fill("bob");
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([page.waitForLoadState("load"), page.locator("#authenticate").click()]);
  await Promise.all([page.waitForURL((u) => u.host === A.host && u.pathname === "/main/remote/home"), page.locator("#authorize-submit").click()]);
  assert.match(await page.locator("#remote-viewer").innerText(), new RegExp(B.host.replace(/\./g, "\\.")));
  await assertAccessible(page, "the remote person's home page");

  await page.getByLabel("Note (public)").fill("Posted from Chromium through A");
  await Promise.all([page.waitForURL((u) => u.searchParams.get("posted") === "1"), page.locator("#remote-post-submit").click()]);
  assert.match(await page.locator("#remote-inbox").innerText(), /Posted from Chromium through A/);
  await assertAccessible(page, "the remote home page after posting");
  assert.deepEqual(ctx.errors, []);
});
