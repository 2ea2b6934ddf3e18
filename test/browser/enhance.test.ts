/**
 * The script's enhancements in real Chromium: infinite "older" paging
 * (by scrolling and by keyboard) and the recipient picker.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { freePort, startTestServer, type TestServer } from "../support/server";
import { act, registerSession } from "../web/realtime/support";
import { Browser as FormClient, registerVia } from "../web/support";
import { assertNotNavigated, launchBrowser, login, mark, newContext, NO_BROWSER, PASSWORD, register as registerPage } from "./support";

describe("browser: enhancements", { skip: NO_BROWSER ?? false }, () => {
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

  test("older items load in place: by keyboard, then by scrolling, each once", async () => {
    const pat = new FormClient(server.url);
    await registerVia(pat, "pat", PASSWORD);
    const N = 45;
    for (let i = 1; i <= N; i++) {
      const r = await pat.submit("/main/post", { content: `Note number ${i}.`, to: "public" });
      assert.equal(r.status, 303, r.text.slice(0, 200));
    }
    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();
    await page.goto("/pat");
    await mark(page);
    const list = page.locator("ol[data-stream-url]").first();
    const countNotes = () => list.locator(":scope > li", { hasText: /Note number \d+\./ }).count();
    const first = await countNotes();
    assert.ok(first > 0 && first < N, `the first page shows part of the stream (${first})`);

    // Keyboard: Enter on "Older" appends the next page and moves focus to its first item.
    const older = page.locator("a[data-stream-older]").first();
    await older.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.matches("li[data-activity-id]") ?? false);
    assert.ok((await countNotes()) > first);

    // Scrolling to the end keeps loading until there is nothing older.
    await page.waitForFunction(
      () => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        return !document.querySelector("a[data-stream-older]");
      },
      undefined,
      { polling: 100 },
    );
    const ids = await list.locator(":scope > li").evaluateAll((els) => els.map((e) => e.getAttribute("data-activity-id")));
    assert.equal(new Set(ids).size, ids.length, "no item twice");
    assert.equal(await countNotes(), N, "every note, once");
    await assertNotNavigated(page);
    await ctx.close();
  });

  test("the recipient picker finds a followed person and the note goes only to them", async () => {
    const sam = new FormClient(server.url);
    await registerVia(sam, "sam", PASSWORD);
    assert.equal((await sam.submit("/main/settings", { displayName: "Sam Smith", summary: "", location: "" })).status, 303);
    const tom = new FormClient(server.url);
    await registerVia(tom, "tom", PASSWORD);
    const rita = new FormClient(server.url);
    await registerVia(rita, "rita", PASSWORD);
    const ids = JSON.parse((await sam.get("/api/user/sam/profile", { Accept: "application/json" })).text) as { id: string };
    assert.ok(ids.id);
    assert.equal((await rita.submit("/main/follow", { object: ids.id, objectType: "person" })).status, 303);
    const ritaProfile = JSON.parse((await rita.get("/api/user/rita/profile", { Accept: "application/json" })).text) as { id: string };
    assert.equal((await tom.submit("/main/follow", { object: ritaProfile.id, objectType: "person" })).status, 303);

    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();
    await login(page, "rita");
    await mark(page);
    const search = page.getByLabel("Or send only to someone you follow");
    await search.fill("smi");
    const choice = page.getByRole("button", { name: "Sam Smith (@sam)" });
    await choice.waitFor();
    await search.press("ArrowDown");
    await page.keyboard.press("Enter");
    assert.equal(await page.locator("#note-to").inputValue(), `person:${ids.id}`);
    await page.getByLabel("What's new?").fill("For Sam only");
    await page.locator("#post-note button[type=submit]").click();
    await page.locator("#major-inbox > li", { hasText: "For Sam only" }).waitFor();
    await assertNotNavigated(page);

    assert.match(await sam.page("/"), /For Sam only/);
    assert.doesNotMatch(await tom.page("/"), /For Sam only/, "a follower who was not chosen sees it");
    await ctx.close();
  });
});

describe("browser: realtime reconnects", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: net.Server;
  const piped = new Set<net.Socket>();

  before(async () => {
    // The browser reaches the server through a TCP proxy that the test can cut, like a dropped network.
    const proxyPort = await freePort();
    server = await startTestServer(["--urlPort", String(proxyPort)]);
    proxy = net.createServer((client) => {
      const upstream = net.connect(server.port, "127.0.0.1");
      for (const s of [client, upstream]) {
        piped.add(s);
        s.on("close", () => piped.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(proxyPort, "127.0.0.1", r));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const s of piped) s.destroy();
    await new Promise((r) => proxy?.close(r));
    await server?.close();
  });

  test("after the connection drops, the page reconnects, follows its streams again and gets new posts", async () => {
    const base = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const ctx = await newContext(browser, base);
    const page = await ctx.newPage();
    await registerPage(page, "uma");
    const vic = await registerSession(server.url, "vic");
    const vicId = ((await (await fetch(`${server.url}/api/user/vic/profile`, { headers: { Cookie: vic.cookie, Accept: "application/json" } })).json()) as { id: string }).id;
    assert.equal(await page.evaluate(() => document.body.dataset.nickname), "uma");
    assert.ok(vicId);
    // Uma follows Vic through the form endpoint, then watches her home page.
    await page.goto("/vic");
    await page.locator(".profile-card").getByRole("button", { name: /^Follow/ }).click();
    await page.locator(".profile-card").getByRole("button", { name: /^Unfollow/ }).waitFor();
    await page.goto("/");
    await mark(page);
    await page.waitForFunction(() => document.documentElement.dataset.realtime === "ready");

    for (const s of piped) s.destroy();
    await page.waitForFunction(() => document.documentElement.dataset.realtimeConnections === "2" && document.documentElement.dataset.realtime === "ready");
    await act(server.url, vic, "post", { content: "after the network came back", to: "public" });
    await page.locator("#major-inbox > li", { hasText: "after the network came back" }).waitFor();
    await assertNotNavigated(page);
    await ctx.close();
  });
});
