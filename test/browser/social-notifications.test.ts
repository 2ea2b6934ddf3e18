/**
 * Notifications (issue 13 item 4) in real Chromium: the navigation's
 * unread badge counts follows, likes, shares, replies and mentions and
 * goes up live while the page stays open; the notifications page lists
 * them newest first and reading it clears the badge; items say who
 * liked them ("carol and bob like this") and count likes, replies and shares.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { assertNotNavigated, checkWidths, launchBrowser, mark, newContext, NO_BROWSER, postNote, register } from "./support";

/** Reloads `page` at `path` until `selector` shows (delivery to followers may run in the background). */
async function until(page: Page, path: string, selector: string, hasText: string): Promise<void> {
  const loc = page.locator(selector, { hasText });
  for (let i = 0; i < 50; i++) {
    await page.goto(path);
    if ((await loc.count()) > 0) return;
    await page.waitForTimeout(200);
  }
  await loc.first().waitFor();
}

const badge = (page: Page) => page.locator("#notify-count");

describe("browser: notifications", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let carol: Page;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const pages: Page[] = [];
    for (const nick of ["alice", "bob", "carol"]) {
      const c = await newContext(browser, server.url);
      c.errors = errors;
      const p = await c.newPage();
      await register(p, nick);
      pages.push(p);
    }
    [alice, bob, carol] = pages;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a follow raises the badge live on an open page", async () => {
    await alice.goto("/");
    assert.equal(await badge(alice).isVisible(), false, "a badge with nothing unread");
    await alice.waitForFunction(() => document.documentElement.dataset.realtime === "ready");
    await mark(alice);
    for (const p of [bob, carol]) {
      await p.goto("/alice");
      await p.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
      await p.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
    }
    await alice.waitForFunction(() => document.querySelector("#notify-count .n")?.textContent === "2");
    assert.equal(await badge(alice).isVisible(), true);
    await assertNotNavigated(alice);
    assert.match(await alice.locator("#notify-link").innerText(), /Notifications[\s:]*2/);
  });

  test("likes, a share, a reply and a mention: counted, named, listed, then read", async () => {
    await alice.goto("/");
    await postNote(alice, "Lunch at noon?");
    await alice.locator("#major-inbox > li", { hasText: "Lunch at noon?" }).waitFor();
    for (const p of [bob, carol]) {
      await until(p, "/", "#major-inbox > li", "Lunch at noon?");
      const post = p.locator("#major-inbox > li", { hasText: "Lunch at noon?" });
      await post.getByRole("button", { name: /^Like/ }).click();
      await post.getByRole("button", { name: /^Unlike/ }).waitFor();
    }
    const post = bob.locator("#major-inbox > li", { hasText: "Lunch at noon?" });
    await post.getByRole("button", { name: /^Share/ }).click();
    await post.getByRole("button", { name: /^Unshare/ }).waitFor();
    await post.locator("details.reply > summary").click();
    await post.getByLabel("Your reply").fill("Yes please");
    await post.getByRole("button", { name: "Post reply" }).click();
    await post.getByText("1 reply").waitFor();
    await carol.goto("/");
    await postNote(carol, "Ask @alice about lunch");
    await carol.locator("#major-inbox > li", { hasText: "Ask @alice" }).waitFor();

    // The item names who liked it and counts likes, replies and shares.
    await until(alice, "/", "#major-inbox > li", "Lunch at noon?");
    const mine = alice.locator("#major-inbox > li", { hasText: "Lunch at noon?" });
    await mine.getByText("2 likes").waitFor();
    await mine.getByText("1 reply").waitFor();
    await mine.getByText("1 share").waitFor();
    assert.match(await mine.locator(".who-likes").innerText(), /^(bob|carol) and (bob|carol) like this$/);
    assert.match(await mine.locator(".who-shares").innerText(), /^Shared by bob$/);

    // 2 follows + 2 likes + 1 share + 1 reply + 1 mention.
    await alice.waitForFunction(() => document.querySelector("#notify-count .n")?.textContent === "7", undefined, { timeout: 15_000 }).catch(async () => {
      await alice.reload();
      assert.equal(await alice.locator("#notify-count .n").innerText(), "7");
    });
    await alice.locator("#notify-link").click();
    await alice.waitForURL((u) => u.pathname === "/main/notifications");
    const items = alice.locator("#notifications > li");
    assert.equal(await items.count(), 7);
    assert.equal(await alice.locator("#notifications > li.unread").count(), 7);
    for (const text of ["Yes please", "Ask @alice", "followed"]) assert.ok((await items.filter({ hasText: text }).count()) > 0, `no notification with "${text}"`);
    assert.equal(await alice.locator("#notifications button").count(), 0, "notifications repeat full controls");
    await checkWidths(alice, "notifications");
    await alice.goto("/");
    assert.equal(await badge(alice).isVisible(), false, "read notifications still counted");
    await alice.goto("/main/notifications");
    assert.equal(await alice.locator("#notifications > li.unread").count(), 0);
    await checkWidths(alice, "notifications-home-after");
    assert.deepEqual(errors, []);
  });
});
