/**
 * Pictures (issue 13 item 1) in real Chromium, keyboard only: a profile
 * picture chosen in settings is previewed before it is sent, cut square
 * on the server and then shown wherever its owner appears (profile card,
 * posts, replies, people lists); a picture post is previewed, carries
 * its alt text, and is shown with its width and height.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { png } from "../uploads/support";
import { checkWidths, launchBrowser, newContext, NO_BROWSER, postNote, register } from "./support";

/** Tabs until `selector` has the focus (a keyboard user's way there). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`could not reach ${selector} with Tab`);
}

/**
 * Picks a file through the file chooser that the keyboard opened on the
 * focused input. Chromium can drop a key press that comes right after a
 * navigation, before the page's first paint (playwright#28023), which on a
 * loaded machine left the chooser shut: so it waits for a painted frame,
 * and presses Space again (the input still focused) if no chooser opened.
 */
async function chooseWithKeyboard(page: Page, selector: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await tabTo(page, selector);
  await page.evaluate(() => new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))));
  for (let attempt = 1; ; attempt++) {
    try {
      const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 5000 }), page.keyboard.press("Space")]);
      await chooser.setFiles(file);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      assert.ok(await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector), `${selector} lost the focus`);
    }
  }
}

async function decoded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => {
    const img = document.querySelector<HTMLImageElement>(s);
    return Boolean(img && img.complete && img.naturalWidth > 0);
  }, selector);
}

describe("browser: pictures and avatars", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const errors: string[] = [];

  before(async () => {
    server = await startTestServer(["--enableUploads", "true"]);
    browser = await launchBrowser();
    const a = await newContext(browser, server.url);
    const b = await newContext(browser, server.url);
    a.errors = errors;
    b.errors = errors;
    alice = await a.newPage();
    bob = await b.newPage();
    await register(alice, "alice");
    await register(bob, "bob");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a profile picture: previewed, sent with the keyboard, square, shown everywhere", async () => {
    await postNote(alice, "Before my new picture");
    await alice.locator("#major-inbox > li", { hasText: "Before my new picture" }).waitFor();
    await alice.goto("/main/settings");
    await chooseWithKeyboard(alice, "#avatar-file", { name: "me.png", mimeType: "image/png", buffer: await png(300, 200) });
    await decoded(alice, "#avatar-preview img");
    assert.equal(await alice.locator("#avatar-preview").isVisible(), true, "no preview before sending");
    await checkWidths(alice, "pictures-avatar-preview");
    await tabTo(alice, "#avatar-submit");
    await alice.keyboard.press("Enter");
    // Back on settings, which now shows the picture in use.
    await decoded(alice, 'img[alt="Your profile picture now"]');

    // Bob follows Alice and replies to her: her picture shows on each.
    await bob.goto("/alice");
    await decoded(bob, ".profile-card img.avatar-large");
    const size = await bob.locator(".profile-card img.avatar-large").evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]);
    assert.deepEqual(size, [96, 96], "the avatar is cut square");
    const post = bob.locator("#major-outbox > li", { hasText: "Before my new picture" });
    assert.equal(await post.locator("img.avatar").count(), 1, "an older post shows the new picture");
    await bob.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
    await bob.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
    await bob.goto("/bob/following");
    assert.equal(await bob.locator("li.person", { hasText: "alice" }).locator("img.avatar").count(), 1, "people lists show the picture");
    await bob.goto("/alice");
    await post.locator("details.reply > summary").click();
    await post.getByLabel("Your reply").fill("Nice picture");
    await post.getByRole("button", { name: "Post reply" }).click();
    await post.getByText("1 reply").waitFor();
    await alice.goto("/alice");
    await Promise.all([alice.waitForURL(/\/alice\/note\//), alice.locator("#major-outbox > li", { hasText: "Before my new picture" }).getByRole("link", { name: "View note" }).click()]);
    assert.equal(await alice.locator("article.object-page img.avatar").count(), 1, "the note's page shows its author's picture");
    await alice.locator("#replies > li", { hasText: "Nice picture" }).waitFor();
    await checkWidths(alice, "pictures-note-with-avatar");
  });

  test("a picture post: previewed, with alt text, width and height", async () => {
    await alice.goto("/");
    await chooseWithKeyboard(alice, "#picture-file", { name: "sea.png", mimeType: "image/png", buffer: await png(640, 480) });
    await decoded(alice, "#picture-preview img");
    await tabTo(alice, "#picture-alt");
    await alice.keyboard.type("A calm grey sea");
    await tabTo(alice, "#picture-title");
    await alice.keyboard.type("The sea today");
    await tabTo(alice, "#post-picture button[type=submit]");
    await Promise.all([alice.waitForURL((u) => u.pathname === "/"), alice.keyboard.press("Enter")]);
    const img = alice.locator('#major-inbox > li:has-text("The sea today") .entry-image img');
    await img.waitFor();
    assert.equal(await img.getAttribute("alt"), "A calm grey sea");
    assert.ok(Number(await img.getAttribute("width")) > 0 && Number(await img.getAttribute("height")) > 0, "the picture has no width/height: the page jumps");
    await checkWidths(alice, "pictures-home");
    assert.deepEqual(errors, []);
  });
});
