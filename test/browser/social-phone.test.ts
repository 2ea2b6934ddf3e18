/**
 * Phones first (issue 13 item 6) in real Chromium: at 390 × 844 the home
 * page shows the stream on the first screen and posting opens from a
 * button (with and without the script); buttons and navigation links are
 * at least 44 px tall; pages work at 320 px without sideways scrolling.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { assertAccessible, launchBrowser, newContext, NO_BROWSER, postNote, register, screenshot } from "./support";

/** Visible controls shorter than 44 px (buttons, button links, navigation links, selects). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("button, .button, .nav-links a, select, summary, input:not([type=hidden]):not([type=checkbox]):not([type=file])")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && !el.closest(".visually-hidden, .skip-link") && r.height < 43.5;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 20)}" ${Math.round(el.getBoundingClientRect().height)}px`),
  );
}

describe("browser: phones first", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let phone: Page;
  let noScript: Page;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const c = await newContext(browser, server.url, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    c.errors = errors;
    phone = await c.newPage();
    await register(phone, "alice");
    await phone.goto("/#compose");
    await postNote(phone, "First light");
    await phone.locator("#major-inbox > li", { hasText: "First light" }).waitFor();
    const n = await newContext(browser, server.url, { viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    noScript = await n.newPage();
    await noScript.goto("/main/login");
    await noScript.getByLabel("Nickname").fill("alice");
    await noScript.getByLabel("Password").fill("white*rabbit9");
    await Promise.all([noScript.waitForURL((u) => u.pathname === "/"), noScript.locator("#login-submit").click()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("at 390 px the stream is on the first screen; posting opens from a button", async () => {
    await phone.goto("/");
    const first = phone.locator("#major-inbox > li").first();
    await first.waitFor();
    const box = await first.boundingBox();
    assert.ok(box && box.y + 40 < 844, `the first item starts at y=${box?.y}, below the first screen`);
    assert.equal(await phone.locator("#note-content").isVisible(), false, "the composer fills the first screen");
    await assertAccessible(phone, "home at 390 px");
    await screenshot(phone, "phone-home-390");
    await phone.getByRole("link", { name: "New post" }).click();
    await phone.locator("#note-content").waitFor({ state: "visible" });
    await phone.waitForFunction(() => document.activeElement?.id === "note-content");
    await screenshot(phone, "phone-compose-390");
    await phone.keyboard.type("Posted from a phone");
    await phone.locator("#post-note button[type=submit]").tap();
    await phone.locator("#major-inbox > li", { hasText: "Posted from a phone" }).waitFor();
    assert.deepEqual(await smallTargets(phone), [], "touch targets under 44 px");
  });

  test("without the script the button still opens the composer", async () => {
    await noScript.goto("/");
    assert.equal(await noScript.locator("#note-content").isVisible(), false);
    await noScript.getByRole("link", { name: "New post" }).click();
    await noScript.locator("#note-content").waitFor({ state: "visible" });
  });

  test("at 320 px nothing scrolls sideways and targets stay 44 px", async () => {
    await phone.setViewportSize({ width: 320, height: 640 });
    for (const path of ["/", "/alice", "/main/notifications", "/alice/lists", "/main/settings"]) {
      await phone.goto(path);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${path} scrolls sideways at 320 px by ${overflow}px`);
      assert.deepEqual(await smallTargets(phone), [], `touch targets under 44 px on ${path}`);
      await screenshot(phone, `phone-320${path.replace(/\//g, "-")}`);
    }
    assert.deepEqual(errors, []);
  });
});
