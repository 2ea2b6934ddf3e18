/**
 * Finding people and the account pages (issue 13 items 5, local part,
 * and 7) in real Chromium: the directory lists the site's people and
 * searches names and nicknames; opting out in settings hides you from it
 * (your exact nickname still finds you); the account page lists the
 * applications that act for you and revokes one; deleting the account
 * needs the password and a tick, then the profile is gone.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type TokenPair } from "../support/oauth-client";
import { checkWidths, launchBrowser, login, newContext, NO_BROWSER, PASSWORD, register } from "./support";

const names = (page: Page) => page.locator("#people .person-name").allInnerTexts();

describe("browser: people and account", { skip: NO_BROWSER ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let alice: Page;
  let carol: Page;
  let dave: Page;
  let client: ClientCreds;
  let daveToken: TokenPair;
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
    [alice, , carol] = pages;
    const bob = pages[1];
    await bob.goto("/main/settings");
    await bob.getByLabel("Display name").fill("Bob Builder");
    await Promise.all([bob.waitForEvent("load"), bob.getByRole("button", { name: "Save profile" }).click()]);
    client = await registerClient(server.url, { application_name: "Photo Uploader" });
    daveToken = (await registerUser(server.url, client, "dave", PASSWORD)).token;
    const d = await newContext(browser, server.url);
    d.errors = errors;
    dave = await d.newPage();
    await login(dave, "dave");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the directory lists people and searches names and nicknames", async () => {
    await alice.goto("/");
    await Promise.all([alice.waitForURL((u) => u.pathname === "/main/people"), alice.getByRole("link", { name: "People" }).click()]);
    assert.deepEqual((await names(alice)).sort(), ["Bob Builder", "alice", "carol", "dave"]);
    await alice.getByLabel("Find people by name or nickname").fill("build");
    await Promise.all([alice.waitForEvent("load"), alice.keyboard.press("Enter")]);
    assert.deepEqual(await names(alice), ["Bob Builder"]);
    await alice.locator("#people > li").getByRole("button", { name: /^Follow/ }).click();
    await alice.locator("#people > li").getByRole("button", { name: /^Unfollow/ }).waitFor();
    await checkWidths(alice, "people-search");
  });

  test("opting out of the directory", async () => {
    await carol.goto("/main/settings");
    await carol.getByLabel(/List me in the/).uncheck();
    await Promise.all([carol.waitForEvent("load"), carol.locator("#directory-submit").click()]);
    assert.equal(await carol.getByLabel(/List me in the/).isChecked(), false);
    await checkWidths(carol, "people-settings");
    await alice.goto("/main/people");
    assert.deepEqual((await names(alice)).sort(), ["Bob Builder", "alice", "dave"]);
    await alice.goto("/main/people?q=carol");
    assert.deepEqual(await names(alice), ["carol"]);
  });

  test("authorised applications: listed, then revoked", async () => {
    const inbox = () => signedRequest(server.url, userCreds(client, daveToken), "GET", "/api/user/dave/inbox");
    assert.equal((await inbox()).status, 200);
    await dave.goto("/main/account");
    const app = dave.locator("#apps > li", { hasText: "Photo Uploader" });
    await app.waitFor();
    await checkWidths(dave, "account-apps");
    await Promise.all([dave.waitForEvent("load"), app.getByRole("button", { name: /^Revoke/ }).click()]);
    assert.equal(await dave.locator("#apps > li", { hasText: "Photo Uploader" }).count(), 0);
    const status = (await inbox()).status;
    assert.ok(status === 400 || status === 401, `the revoked token still works (${status})`);
  });

  test("deleting the account needs the password, then the account is gone", async () => {
    await dave.getByLabel("Your password").fill("not my password");
    await dave.getByLabel(/Yes, delete my account/).check();
    await Promise.all([dave.waitForEvent("load"), dave.locator("#delete-submit").click()]);
    assert.equal(await dave.locator("#delete-error").innerText(), "Your password is not correct.");
    await dave.getByLabel("Your password").fill(PASSWORD);
    await dave.getByLabel(/Yes, delete my account/).check();
    await Promise.all([dave.waitForURL((u) => u.pathname === "/"), dave.locator("#delete-submit").click()]);
    await dave.getByRole("heading", { name: /Welcome to/ }).waitFor();
    // The account is gone: its password no longer logs in, its token no longer works.
    await dave.goto("/main/login");
    await dave.getByLabel("Nickname").fill("dave");
    await dave.getByLabel("Password").fill(PASSWORD);
    await Promise.all([dave.waitForEvent("load"), dave.locator("#login-submit").click()]);
    assert.equal(await dave.locator("body").getAttribute("data-nickname"), null, "the deleted account still logs in");
    assert.deepEqual(errors, []);
  });
});
