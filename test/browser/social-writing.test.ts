/**
 * Writing (issue 13 item 2) in real Chromium, keyboard only: a note typed
 * with Markdown-like formatting shows bold, italic, a clickable bare
 * link, paragraphs and line breaks, a list, a quote and code; raw script
 * is gone; `@bob` becomes a link to Bob's page and reaches Bob, who does
 * not follow the author.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { checkWidths, launchBrowser, newContext, NO_BROWSER, register } from "./support";

const TEXT = [
  "Hello **bold** and _italic_, see http://example.com/page.",
  "A second line",
  "",
  "- one",
  "- two",
  "",
  "> a quote",
  "",
  "`some code` for @bob <script>document.title='owned'</script>",
].join("\n");

describe("browser: writing with formatting and mentions", { skip: NO_BROWSER ?? false }, () => {
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
    await register(bob, "bob");
    await register(alice, "alice");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a note typed with the keyboard keeps its formatting, links and paragraphs", async () => {
    await alice.goto("/");
    await alice.getByLabel("What's new?").focus();
    // Typed, not filled: Enter makes the new lines a person makes.
    for (const [i, line] of TEXT.split("\n").entries()) {
      if (i > 0) await alice.keyboard.press("Shift+Enter");
      await alice.keyboard.type(line);
    }
    await alice.keyboard.press("Tab"); // the audience picker
    await alice.locator("#post-note button[type=submit]").focus();
    await alice.keyboard.press("Enter");
    const note = alice.locator("#major-inbox > li", { hasText: "a quote" });
    await note.waitFor();
    const text = note.locator(".entry-text");
    assert.equal(await text.locator("strong").innerText(), "bold");
    assert.equal(await text.locator("em").innerText(), "italic");
    assert.equal(await text.locator('a[href="http://example.com/page"]').innerText(), "http://example.com/page");
    assert.equal(await text.locator("p").count() >= 2, true, "paragraphs are kept");
    assert.equal(await text.locator("br").count() >= 1, true, "line breaks are kept");
    assert.deepEqual(await text.locator("ul > li").allInnerTexts(), ["one", "two"]);
    assert.equal(await text.locator("blockquote").innerText(), "a quote");
    assert.equal(await text.locator("code").innerText(), "some code");
    assert.equal(await text.locator("script").count(), 0);
    assert.notEqual(await alice.title(), "owned");
    const mention = text.getByRole("link", { name: "@bob" });
    assert.equal(new URL((await mention.getAttribute("href")) ?? "", server.url).pathname, "/bob");
    await checkWidths(alice, "writing-home");
  });

  test("the mentioned person gets the note without following its author", async () => {
    const note = bob.locator("#major-inbox > li", { hasText: "a quote" });
    // Delivery may run in the background: reload until it is there.
    for (let i = 0; i < 50; i++) {
      await bob.goto("/");
      if ((await note.count()) > 0) break;
      await bob.waitForTimeout(200);
    }
    await note.waitFor();
    await Promise.all([bob.waitForURL((u) => u.pathname === "/bob"), note.locator(".entry-text").getByRole("link", { name: "@bob" }).click()]);
    assert.deepEqual(errors, []);
  });
});
