/**
 * Issue 8, item 1, in real Chromium: alice writes to bob only, eve follows
 * bob, and bob shares the note while eve's home page (her inbox) is open.
 * The live item and the reloaded page say "bob shared a note" and never
 * what the note says.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { getAccessToken, registerClient, signedRequest, userCreds } from "../support/oauth-client";
import { startTestServer, type TestServer } from "../support/server";
import { act, registerSession } from "../web/realtime/support";
import { launchBrowser, login, newContext, NO_BROWSER, PASSWORD } from "./support";

const SECRET = "SECRET-loquat";
const TITLE = "Secret-title-tamarillo";

describe("browser: a private note shared to the sharer's followers", { skip: NO_BROWSER ?? false }, () => {
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

  test("eve's inbox page never contains the note's text, live or reloaded", async () => {
    await registerSession(server.url, "alice");
    const bob = await registerSession(server.url, "bob");
    const eve = await registerSession(server.url, "eve");
    const profile = async (nick: string) =>
      ((await (await fetch(`${server.url}/api/user/${nick}/profile`, { headers: { Cookie: eve.cookie, Accept: "application/json" } })).json()) as { id: string }).id;
    await act(server.url, eve, "follow", { object: await profile("bob"), objectType: "person" });
    const client = await registerClient(server.url, { application_name: "alice's client" });
    const creds = userCreds(client, await getAccessToken(server.url, client, "alice", PASSWORD));
    const posted = await signedRequest(server.url, creds, "POST", "/api/user/alice/feed", {
      verb: "post",
      to: [{ id: await profile("bob"), objectType: "person" }],
      object: { objectType: "note", displayName: TITLE, content: SECRET },
    });
    assert.equal(posted.status, 200, posted.text);

    const ctx = await newContext(browser, server.url);
    const page = await ctx.newPage();
    await login(page, "eve");
    await page.waitForFunction(() => document.documentElement.dataset.realtime === "ready");
    await act(server.url, bob, "share", { object: posted.body.object.id, objectType: "note" });

    const live = page.locator('li.activity[data-verb="share"]').first();
    await live.waitFor();
    assert.match(await live.innerText(), /bob shared a note/);
    const body = await page.content();
    assert.ok(!body.includes(SECRET) && !body.includes(TITLE), "the live item leaks the note");

    await page.reload();
    await page.locator('li.activity[data-verb="share"]').first().waitFor();
    const reloaded = await page.content();
    assert.ok(!reloaded.includes(SECRET) && !reloaded.includes(TITLE), "the page leaks the note");
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });
});
