/**
 * Lists (issue 13 item 3) in real Chromium, keyboard only: create a
 * list, find people among followers and following, add and remove
 * members, rename; the list page shows members and what they posted; a
 * note posted to the list reaches its members and nobody else; delete.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { checkWidths, launchBrowser, newContext, NO_BROWSER, postNote, register } from "./support";

async function follow(page: Page, nick: string): Promise<void> {
  await page.goto(`/${nick}`);
  await page.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
  await page.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
}

/** Focuses `selector` by keyboard (Tab) and presses Enter, waiting for the page that follows. */
async function press(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 80 && !(await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)); i++) await page.keyboard.press("Tab");
  assert.ok(await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector), `cannot reach ${selector} with Tab`);
  await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
}

describe("browser: lists", { skip: NO_BROWSER ?? false }, () => {
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
    await follow(bob, "alice");
    await follow(carol, "alice");
    await follow(alice, "carol");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("create a list and fill it from followers and following, with search", async () => {
    await alice.goto("/alice/lists");
    await alice.getByLabel("Name", { exact: true }).focus();
    await alice.keyboard.type("Climbing");
    await press(alice, "#new-list button[type=submit]");
    const link = alice.locator("#lists a", { hasText: "Climbing" });
    await link.waitFor();
    await checkWidths(alice, "lists-index");
    await Promise.all([alice.waitForURL(/\/alice\/list\//), link.click()]);
    // Both candidates, then a search narrows to one.
    assert.deepEqual((await alice.locator("#list-candidates .person-name").allInnerTexts()).sort(), ["bob", "carol"]);
    await alice.getByLabel("Find among the people you follow and your followers").fill("car");
    await press(alice, "#list-search button");
    assert.deepEqual(await alice.locator("#list-candidates .person-name").allInnerTexts(), ["carol"]);
    await press(alice, "#list-candidates button");
    await alice.locator("#list-members > li", { hasText: "carol" }).waitFor();
    // Add bob too, then take him out again.
    await alice.goto(alice.url().split("?")[0]);
    await press(alice, "#list-candidates button");
    await alice.locator("#list-members > li", { hasText: "bob" }).waitFor();
    await press(alice, '#list-members > li[data-object-id$="/bob/profile"] button');
    await alice.locator("#list-members > li", { hasText: "bob" }).waitFor({ state: "detached" });
    assert.equal(await alice.locator("#list-members > li").count(), 1);
    // Rename.
    await alice.getByLabel("Name", { exact: true }).fill("Climbers");
    await press(alice, "#rename-list button");
    await alice.getByRole("heading", { name: "Climbers" }).first().waitFor();
    await checkWidths(alice, "lists-page");
  });

  test("a note to the list reaches its members only; the list page shows their posts", async () => {
    await alice.goto("/");
    const value = await alice.evaluate(() => [...document.querySelectorAll<HTMLOptionElement>("#note-to option")].find((o) => o.text === "List: Climbers")?.value ?? "");
    assert.ok(value, "the composer does not offer the list");
    await postNote(alice, "Crag on Sunday?", value);
    await alice.locator("#major-inbox > li", { hasText: "Crag on Sunday?" }).waitFor();
    const got = carol.locator("#major-inbox > li", { hasText: "Crag on Sunday?" });
    for (let i = 0; i < 50 && (await got.count()) === 0; i++) {
      await carol.goto("/");
      if ((await got.count()) === 0) await carol.waitForTimeout(200);
    }
    await got.waitFor();
    await bob.goto("/");
    assert.equal(await bob.locator("#major-inbox > li", { hasText: "Crag on Sunday?" }).count(), 0, "a non-member got the list's note");
    await carol.goto("/");
    await postNote(carol, "Sunday works");
    await carol.locator("#major-inbox > li", { hasText: "Sunday works" }).waitFor();
    await alice.goto("/alice/lists");
    await Promise.all([alice.waitForURL(/\/alice\/list\//), alice.locator("#lists a", { hasText: "Climbers" }).click()]);
    const listUrl = alice.url();
    const post = alice.locator("#list-stream > li", { hasText: "Sunday works" });
    for (let i = 0; i < 50 && (await post.count()) === 0; i++) {
      await alice.waitForTimeout(200);
      await alice.goto(listUrl);
    }
    await post.waitFor();
  });

  test("delete the list", async () => {
    await press(alice, "#delete-list button");
    await alice.waitForURL((u) => u.pathname === "/alice/lists");
    assert.equal(await alice.locator("#lists a", { hasText: "Climbers" }).count(), 0);
    assert.deepEqual(errors, []);
  });
});
