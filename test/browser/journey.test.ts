/**
 * One person's and a friend's whole visit, in real Chromium against the
 * real server: register, log out and in, post, follow, see a post arrive
 * live, reply / like / share, edit the profile, browse the profile pages,
 * log out. Each main page is also screenshotted (1280 and 360 px) and
 * checked with axe-core.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { assertAccessible, assertNotNavigated, launchBrowser, login, logout, mark, newContext, NO_BROWSER, postNote, register, screenshot } from "./support";

/** Screenshots at both widths and the accessibility check of the page now shown. */
async function checkPage(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name);
  await screenshot(page, `${name}-1280`);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await screenshot(page, `${name}-360`);
  // No sideways scrolling on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (size) await page.setViewportSize(size);
  assert.ok(overflow <= 1, `${name} scrolls sideways at 360 px by ${overflow}px`);
}

/** The stream item (li) whose text contains `text`. */
const item = (page: Page, list: string, text: string) => page.locator(`${list} > li`, { hasText: text });

describe("browser: a visit from register to log out", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const a = await newContext(browser, server.url);
    const b = await newContext(browser, server.url);
    alice = await a.newPage();
    bob = await b.newPage();
    // Shared list: every test ends by checking no script error happened.
    a.errors = errors;
    b.errors = errors;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the welcome page, register, log out, log in", async () => {
    await alice.goto("/");
    await assert.doesNotReject(alice.getByRole("heading", { name: /Welcome to/ }).waitFor());
    await checkPage(alice, "welcome");
    await alice.goto("/main/register");
    await checkPage(alice, "register");
    await register(alice, "alice");
    await logout(alice);
    assert.equal(await alice.locator('a[href="/main/login"]').count() > 0, true, "logged out: the Log in link shows");
    await alice.goto("/main/login");
    await checkPage(alice, "login");
    await login(alice, "alice");
    assert.equal(await alice.locator("body").getAttribute("data-nickname"), "alice");
  });

  test("a posted note shows on the home page without a reload, and on the profile", async () => {
    await mark(alice);
    await postNote(alice, "Hello from Alice");
    await item(alice, "#major-inbox", "Hello from Alice").waitFor();
    await assertNotNavigated(alice);
    // The item can arrive over the websocket before the POST's own answer, which is what clears the form: wait for it.
    await alice.waitForFunction(() => (document.querySelector("#post-note textarea") as HTMLTextAreaElement | null)?.value === "", undefined, { timeout: 10_000 })
      .catch(() => undefined);
    assert.equal(await alice.getByLabel("What's new?").inputValue(), "", "the form is cleared after posting");
    // Her own note: no Share, but Delete; deleting removes it in place.
    const own = item(alice, "#major-inbox", "Hello from Alice");
    assert.equal(await own.getByRole("button", { name: /^Share/ }).count(), 0, "Share offered on one's own note");
    await postNote(alice, "A note to delete");
    const doomed = item(alice, "#major-inbox", "A note to delete");
    await doomed.getByRole("button", { name: /^Delete/ }).click();
    await doomed.waitFor({ state: "detached" });
    await assertNotNavigated(alice);
    await alice.reload();
    await own.waitFor();
    assert.equal(await item(alice, "#major-inbox", "A note to delete").count(), 0, "deleted for good");
    await checkPage(alice, "home");
    await alice.goto("/alice");
    await item(alice, "ol", "Hello from Alice").waitFor();
    await checkPage(alice, "profile");
  });

  test("a second user follows the first and sees the next post arrive live", async () => {
    await register(bob, "bob");
    await bob.goto("/alice");
    await mark(bob);
    await bob.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
    await bob.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
    await assertNotNavigated(bob);

    await bob.goto("/");
    await mark(bob);
    await bob.waitForFunction(() => document.documentElement.dataset.realtime === "ready");
    await alice.goto("/");
    await postNote(alice, "Second post, live");
    await item(bob, "#major-inbox", "Second post, live").waitFor();
    await assertNotNavigated(bob);
    assert.equal(await item(bob, "#major-inbox", "Second post, live").count(), 1, "shown once");
  });

  test("reply, like and share from the second user, with the counts", async () => {
    // Alice watches her home page: Bob's reactions arrive in her sidebar live.
    await alice.goto("/");
    await mark(alice);
    await alice.waitForFunction(() => document.documentElement.dataset.realtime === "ready");

    const post = item(bob, "#major-inbox", "Second post, live");
    await post.getByRole("button", { name: /^Like/ }).click();
    await post.getByRole("button", { name: /^Unlike/ }).waitFor();
    assert.equal(await post.getByRole("button", { name: /^Unlike/ }).getAttribute("aria-pressed"), "true");
    await post.getByText("1 like").waitFor();

    await post.getByRole("button", { name: /^Share/ }).click();
    await post.getByRole("button", { name: /^Unshare/ }).waitFor();

    await post.locator("details.reply > summary").click();
    await post.getByLabel("Your reply").fill("Nice one, Alice");
    await post.getByRole("button", { name: "Post reply" }).click();
    await post.getByText("1 reply").waitFor();
    await assertNotNavigated(bob);

    // The reply is addressed to Alice: it reached her open home page live.
    await alice.locator("#major-inbox > li, #minor-inbox > li", { hasText: "Nice one, Alice" }).first().waitFor();
    await assertNotNavigated(alice);
    await alice.reload();
    const mine = item(alice, "#major-inbox", "Second post, live");
    await mine.getByText("1 like").waitFor();
    await mine.getByText("1 reply").waitFor();

    // The note's own page lists the reply, the like and the share.
    await Promise.all([alice.waitForURL(/\/alice\/note\//), mine.getByRole("link", { name: "View note" }).click()]);
    await alice.locator("#replies > li", { hasText: "Nice one, Alice" }).waitFor();
    await alice.locator("#likes > li", { hasText: "bob" }).waitFor();
    await alice.locator("#shares > li", { hasText: "bob" }).waitFor();
    await checkPage(alice, "note");
  });

  test("editing the display name", async () => {
    await bob.goto("/main/settings");
    await checkPage(bob, "settings");
    await bob.getByLabel("Display name").fill("Bobby Tables");
    await Promise.all([bob.waitForLoadState("load"), bob.getByRole("button", { name: "Save profile" }).click()]);
    await bob.goto("/bob");
    await bob.getByRole("heading", { name: "Bobby Tables" }).waitFor();
  });

  test("followers, following and favorites pages", async () => {
    await bob.goto("/alice/followers");
    await bob.locator("li.person", { hasText: "Bobby Tables" }).waitFor();
    await checkPage(bob, "followers");
    await bob.goto("/bob/following");
    await bob.locator("li.person", { hasText: "alice" }).waitFor();
    await checkPage(bob, "following");
    await bob.goto("/bob/favorites");
    await bob.locator("li", { hasText: "Second post, live" }).first().waitFor();
    await checkPage(bob, "favorites");
  });

  test("log out", async () => {
    await logout(bob);
    await logout(alice);
    await alice.goto("/");
    await alice.getByRole("heading", { name: /Welcome to/ }).waitFor();
    assert.deepEqual(errors, [], "no script errors on any page");
  });
});
