/**
 * The email pages in real Chromium, driven like a person: register with
 * an address (requireEmail), resend, confirm by the mailed link, forget
 * the password and set a new one by the mailed link. Every page is
 * checked with axe and must log no errors (CSP violations included).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { TestServer } from "../support/server";
import { MailSink, TestClock, linkIn, startEmailServer } from "../email/support";
import { RESEND_INTERVAL_MS } from "../../lib/email";
import { assertAccessible, launchBrowser, newContext, NO_BROWSER, PASSWORD, screenshot } from "./support";

describe("browser: email pages", { skip: NO_BROWSER ?? false }, () => {
  let sink: MailSink;
  let server: TestServer;
  let browser: Browser;
  const clock = new TestClock();

  before(async () => {
    sink = await MailSink.start();
    server = await startEmailServer(sink, ["--requireEmail", "true"], { clock });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await sink?.close();
  });

  const check = async (page: Page, name: string): Promise<void> => {
    await assertAccessible(page, name);
    await screenshot(page, `email-${name}`);
  };

  test("register, confirm, recover: every page accessible, no errors", async () => {
    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();

    await page.goto("/main/register");
    await page.getByLabel("Nickname").fill("kim");
    await page.getByLabel("Email").fill("kim@example.test");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat password").fill(PASSWORD);
    await page.getByRole("button", { name: "Register" }).click();
    await page.locator("#confirm-needed").waitFor();
    await check(page, "confirm-needed");
    await sink.next();

    clock.advance(RESEND_INTERVAL_MS + 1000);
    await page.getByRole("button", { name: "Send the link again" }).click();
    await page.getByText("We sent a new link to kim@example.test").waitFor();
    const confirmPath = linkIn(await sink.next(), "/main/confirm/");

    await page.goto(confirmPath);
    await check(page, "confirm");
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await page.locator("#confirm-done").waitFor();
    await check(page, "confirmed");

    await page.goto("/main/settings");
    await page.locator("#email-settings").waitFor();
    await check(page, "settings");
    await page.locator("#logout-form button").click();
    await page.waitForFunction(() => !document.querySelector("#logout-form"));

    await page.goto("/main/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL((u) => u.pathname === "/main/recover");
    await check(page, "recover");
    await page.getByLabel("Nickname or email address").fill("kim@example.test");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.waitForURL((u) => u.pathname === "/main/recover-sent");
    await check(page, "recover-sent");

    const recoverPath = linkIn(await sink.next(), "/main/recover/");
    await page.goto(recoverPath);
    await check(page, "recover-code");
    await page.getByLabel("New password", { exact: true }).fill("another*rabbit7");
    await page.getByLabel("Repeat new password").fill("another*rabbit7");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByText("Your password has been changed.").waitFor();

    await page.goto(recoverPath);
    await page.locator("#recover-code-invalid").waitFor();
    await check(page, "recover-code-invalid");

    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });
});
