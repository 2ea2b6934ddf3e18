/**
 * The details of issue 13 item 8, in real Chromium: the object page says
 * whose note it is and uses the whole width, replies show their authors'
 * pictures, the side stream has no repeated controls, times read "just
 * now" with the absolute time on hover, the welcome page has no broken
 * image, the welcome note is not headed twice, the 404 page speaks in
 * words and the icon loads.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { checkWidths, launchBrowser, newContext, NO_BROWSER, postNote, register } from "./support";

describe("browser: the details of the pages", { skip: NO_BROWSER ?? false }, () => {
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
    a.errors = errors;
    b.errors = errors;
    alice = await a.newPage();
    bob = await b.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the welcome page shows no broken image", async () => {
    await alice.goto("/");
    await alice.getByRole("heading", { name: /Welcome to/ }).waitFor();
    assert.equal(await alice.locator('img[src="#"], img[src=""]').count(), 0, "an <img> with no picture");
    const broken = await alice.evaluate(() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src));
    assert.deepEqual(broken, []);
    // The site icon is served to a browser (it answered 401 when taken for a nickname).
    const icon = await alice.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? "/favicon.ico";
      const r = await fetch(href);
      return { status: r.status, type: r.headers.get("content-type") };
    });
    assert.equal(icon.status, 200);
    assert.match(icon.type ?? "", /icon|image/);
    await checkWidths(alice, "details-welcome");
  });

  test("the home page: times in words, no doubled heading, a quiet side stream", async () => {
    await register(alice, "alice");
    await register(bob, "bob");
    await bob.goto("/alice");
    await bob.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
    await bob.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
    await alice.goto("/");
    await postNote(alice, "Morning, all");
    const note = alice.locator("#major-inbox > li", { hasText: "Morning, all" });
    await note.waitFor();
    const time = note.locator(".entry-meta time");
    assert.equal(await time.innerText(), "just now");
    assert.match((await time.getAttribute("title")) ?? "", /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.ok(!Number.isNaN(Date.parse((await time.getAttribute("datetime")) ?? "")));
    // The site's welcome note: its summary names it, so no second heading with the same words.
    const welcome = alice.locator("#major-inbox > li", { hasText: "Welcome to" });
    await welcome.waitFor();
    assert.equal(await welcome.locator(".entry-title").count(), 0, "the welcome note is headed twice");
    await bob.goto("/");
    const post = bob.locator("#major-inbox > li", { hasText: "Morning, all" });
    // Fan-out to followers may be in the background: reload until it is there.
    for (let i = 0; i < 50 && (await post.count()) === 0; i++) {
      await bob.waitForTimeout(200);
      await bob.reload();
    }
    await post.locator("details.reply > summary").click();
    await post.getByLabel("Your reply").fill("Morning, Alice");
    await post.getByRole("button", { name: "Post reply" }).click();
    await post.getByText("1 reply").waitFor();
    await alice.reload();
    const side = alice.locator("#minor-inbox > li", { hasText: "Morning, Alice" });
    await side.waitFor();
    assert.equal(await alice.locator("#minor-inbox button, #minor-inbox details").count(), 0, "the side stream repeats Like/Share/Reply");
    await checkWidths(alice, "details-home");
  });

  test("the note's page: whose note, replies with pictures, likes and shares beside", async () => {
    const note = alice.locator("#major-inbox > li", { hasText: "Morning, all" });
    await Promise.all([alice.waitForURL(/\/alice\/note\//), note.getByRole("link", { name: "View note" }).click()]);
    await alice.getByRole("heading", { level: 1, name: "alice's note" }).waitFor();
    const reply = alice.locator("#replies > li", { hasText: "Morning, Alice" });
    await reply.waitFor();
    assert.equal(await reply.locator(".avatar").count(), 1, "a reply without its author's picture");
    assert.equal(await reply.getByRole("link", { name: "bob" }).count(), 1);
    // Likes and shares sit beside the note at 1280 px, not under it.
    const noteBox = await alice.locator("article.object-page").boundingBox();
    const likesBox = await alice.locator("#likes").boundingBox();
    assert.ok(noteBox && likesBox && likesBox.x > noteBox.x + noteBox.width, "likes are not beside the note");
    await checkWidths(alice, "details-note");
  });

  test("the 404 page says what is missing in words", async () => {
    await alice.goto("/nobody-here");
    await alice.getByRole("heading", { name: /Not found/ }).waitFor();
    const text = await alice.locator(".error-message").innerText();
    assert.equal(text, "There is nobody called “nobody-here” on this site.");
    await checkWidths(alice, "details-404");
    assert.deepEqual(errors, []);
  });
});
