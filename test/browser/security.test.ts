/**
 * The pages under attack, in real Chromium: an XSS corpus posted as notes
 * (by the form and, as HTML, by the API) and set as display name and bio;
 * a forged cross-origin form post; and reading without JavaScript. Also
 * the 404 page.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { startTestServer, type TestServer } from "../support/server";
import { assertAccessible, launchBrowser, mark, assertNotNavigated, newContext, NO_BROWSER, PASSWORD, postNote, register, screenshot } from "./support";

/** Each payload tries to set window.__xss or open a dialog. */
const CORPUS = [
  `<script>window.__xss="script";alert("script")</script>`,
  `<img src=x onerror="window.__xss='img';alert('img')">`,
  `<a href="javascript:window.__xss='js-url';alert('js-url')">click me</a>`,
  `<svg onload="window.__xss='svg';alert('svg')"><script>alert("svg-script")</script></svg>`,
  `<svg><a xlink:href="javascript:alert('xlink')"><text x="0" y="20">svg link</text></a></svg>`,
  `"><iframe src="javascript:alert('iframe')"></iframe>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss='mxss';alert('mxss')">`,
  `<details open ontoggle="window.__xss='toggle';alert('toggle')">x</details>`,
  `<a href="  JaVaScRiPt:alert('spaced')">spaced</a> javascript:alert('bare')`,
  `<form action="javascript:alert('form')"><button>go</button></form><input autofocus onfocus="window.__xss='focus'">`,
];

/** Fails when anything from the corpus ran or survived as live markup. */
async function assertClean(page: Page, dialogs: string[], where: string): Promise<void> {
  // Give event-handler payloads (onerror, onload, ontoggle) their chance to run.
  await page.waitForLoadState("load");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const found = await page.evaluate(() => ({
    canary: (window as unknown as { __xss?: unknown }).__xss ?? null,
    scripts: [...document.querySelectorAll("main script, main iframe, main object, main embed")].length,
    handlers: [...document.querySelectorAll("main *")].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
    jsUrls: [...document.querySelectorAll("[href], [src], [action], [formaction]")]
      .flatMap((el) => ["href", "src", "action", "formaction", "xlink:href"].map((n) => el.getAttribute(n) ?? ""))
      .filter((v) => /^\s*javascript:/i.test(v)),
  }));
  assert.deepEqual({ ...found, dialogs }, { canary: null, scripts: 0, handlers: [], jsUrls: [], dialogs: [] }, `XSS on ${where}`);
}

describe("browser: security", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let evil: http.Server;
  let evilUrl: string;

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    // Another origin (another port) whose page auto-submits a form to our endpoint.
    evil = http.createServer((req, res) => {
      const token = new URL(req.url ?? "/", "http://x").searchParams.get("token");
      res.setHeader("Content-Type", "text/html");
      res.end(`<!doctype html><title>Win a prize</title>
        <form id="f" method="post" action="${server.url}/main/post">
          <input name="content" value="forged by another site">
          ${token === null ? "" : `<input name="_csrf" value="${token}">`}
        </form>
        <script>document.getElementById("f").submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => evil?.close(r));
  });

  test("the 404 page", async () => {
    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();
    const res = await page.goto("/no/such/page/anywhere");
    assert.equal(res?.status(), 404);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    await assertAccessible(page, "404 page");
    await screenshot(page, "not-found-1280");
    await ctx.close();
  });

  test("the XSS corpus as notes, display name and bio runs nowhere", async () => {
    // Mallory writes through the API (HTML, sanitised by the server) ...
    const client = await registerClient(server.url);
    const mallory = await registerUser(server.url, client, "mallory", PASSWORD);
    const as = userCreds(client, mallory.token);
    const put = await signedRequest(server.url, as, "PUT", "/api/user/mallory/profile", {
      objectType: "person",
      displayName: `<img src=x onerror="window.__xss='name';alert('name')">Mal`,
      summary: `<script>alert("bio")</script><svg/onload="window.__xss='bio'"><a href="javascript:alert('bio-link')">bio</a>`,
    });
    assert.equal(put.status, 200, put.text);
    for (const content of CORPUS) {
      const r = await signedRequest(server.url, as, "POST", "/api/user/mallory/feed", { verb: "post", object: { objectType: "note", content } });
      assert.equal(r.status, 200, r.text);
    }

    // ... and Victor reads it with CSP switched off, so only escaping and sanitising protect him.
    const ctx: BrowserContext = await browser.newContext({ baseURL: server.url, bypassCSP: true });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await register(page, "victor");
    // Victor's own notes carry the corpus as typed text (the form path).
    await mark(page);
    for (const text of CORPUS.slice(0, 4)) {
      await postNote(page, text);
      await page.locator("#major-inbox > li", { hasText: text.slice(0, 12) }).first().waitFor();
    }
    await assertNotNavigated(page);
    await assertClean(page, dialogs, "home page after posting");

    await page.goto("/mallory");
    await page.locator(".profile-card").waitFor();
    await assertClean(page, dialogs, "mallory's profile");
    await page.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
    await page.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();

    // A live update carries server-rendered HTML: it must be as clean as the page.
    await page.goto("/");
    await page.waitForFunction(() => document.documentElement.dataset.realtime === "ready");
    const live = `<img src=x onerror="window.__xss='live';alert('live')">live one`;
    const r = await signedRequest(server.url, as, "POST", "/api/user/mallory/feed", { verb: "post", object: { objectType: "note", content: live } });
    assert.equal(r.status, 200, r.text);
    await page.locator("#major-inbox > li", { hasText: "live one" }).waitFor();
    await assertClean(page, dialogs, "home page after a live update");

    for (const path of ["/", "/mallory", "/victor", "/mallory/followers", "/victor/following"]) {
      await page.goto(path);
      await assertClean(page, dialogs, path);
    }
    await ctx.close();
  });

  for (const [label, token] of [["no token", null], ["a made-up token", "made-up-token"]] as const) {
    test(`a form posted from another origin with ${label} is refused (403), nothing stored`, async () => {
      const ctx = await newContext(browser, server.url);
      const page = await ctx.newPage();
      const nick = token === null ? "carol" : "dave";
      await register(page, nick);
      const statuses: number[] = [];
      page.on("response", (res) => {
        if (res.url() === `${server.url}/main/post`) statuses.push(res.status());
      });
      await page.goto(`${evilUrl}${token === null ? "" : `?token=${token}`}`);
      await page.waitForURL(`${server.url}/main/post`);
      assert.deepEqual(statuses, [403]);
      await page.goto(`/${nick}`);
      assert.equal(await page.getByText("forged by another site").count(), 0, "the forged note was stored");
      await ctx.close();
    });
  }

  test("a profile page reads without JavaScript", async () => {
    const writer = await newContext(browser, server.url);
    const w = await writer.newPage();
    await register(w, "erin");
    await postNote(w, "Readable without scripts");
    await w.locator("#major-inbox > li", { hasText: "Readable without scripts" }).waitFor();
    await writer.close();

    const ctx = await newContext(browser, server.url, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    const res = await page.goto("/erin");
    assert.equal(res?.status(), 200);
    await page.getByRole("heading", { name: "erin" }).waitFor();
    await page.locator("ol[data-stream-url] > li", { hasText: "Readable without scripts" }).waitFor();
    await screenshot(page, "profile-nojs-1280");
    await ctx.close();
  });
});
