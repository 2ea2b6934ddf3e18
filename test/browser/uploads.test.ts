/**
 * Uploads in real Chromium: a new profile picture from the settings page
 * and a picture post from the home page, both plain multipart forms (the
 * client script leaves them alone), then the pictures load in the pages.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { png, rotatedJpeg, tempEntries, UPLOAD_FLAGS } from "../uploads/support";
import { assertAccessible, launchBrowser, newContext, NO_BROWSER, register, screenshot } from "./support";

/** True once the image has loaded and decoded (naturalWidth > 0). */
async function loaded(page: Page, selector: string): Promise<{ width: number; height: number }> {
  const img = page.locator(selector).first();
  await img.waitFor();
  await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
  return img.evaluate((el) => ({ width: (el as HTMLImageElement).naturalWidth, height: (el as HTMLImageElement).naturalHeight }));
}

describe("browser: uploads", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    server = await startTestServer(UPLOAD_FLAGS);
    browser = await launchBrowser();
    const ctx = await newContext(browser, server.url);
    errors = ctx.errors;
    page = await ctx.newPage();
    await register(page, "alice");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a profile picture uploaded from the settings page shows on the profile", async () => {
    await page.goto("/main/settings");
    await assertAccessible(page, "settings with the avatar form");
    await page.getByLabel("Picture (JPEG, PNG, GIF or WebP)").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: await png(300, 200) });
    await Promise.all([page.waitForURL((u) => u.pathname === "/main/settings"), page.locator("#avatar-submit").click()]);
    await page.goto("/alice");
    const size = await loaded(page, "img.avatar-large");
    assert.deepEqual(size, { width: 96, height: 96 });
    await screenshot(page, "uploads-profile-avatar");
    assert.deepEqual(errors, []);
  });

  test("a picture posted from the home page shows in the inbox, upright", async () => {
    await page.goto("/");
    await page.getByLabel("Title").fill("Sideways photo");
    await page.getByLabel("Description").fill("Should stand up");
    await page.getByLabel("Picture", { exact: true }).setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: await rotatedJpeg() });
    await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.getByRole("button", { name: "Post picture" }).click()]);
    const item = page.locator("#major-inbox > li", { hasText: "Sideways photo" });
    await item.waitFor();
    const size = await loaded(page, '#major-inbox > li:has-text("Sideways photo") .entry-image img');
    // EXIF orientation 6 applied on the server: portrait, longest side 320.
    assert.deepEqual(size, { width: 240, height: 320 });
    assert.match(await item.innerText(), /Should stand up/);
    await assertAccessible(page, "home with a picture post");
    await screenshot(page, "uploads-home-picture");
    assert.deepEqual(tempEntries(server.datadir), []);
    assert.deepEqual(errors, []);
  });
});
