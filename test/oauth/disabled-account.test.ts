// A disabled account (pump-accounts disable) cannot act: its OAuth tokens
// get 403 with a clear error, its password is refused at the web login and
// at the OAuth authorize login, its web session ends; others are untouched,
// and enabling it again restores everything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { disableUser, enableUser } from "../../lib/model/user-disable";
import { Browser, PASSWORD } from "../web/support";

async function webLogin(base: string, nickname: string, password: string): Promise<{ browser: Browser; status: number; text: string }> {
  const browser = new Browser(base);
  await browser.page("/main/login");
  const r = await browser.submit("/main/login", { nickname, password });
  return { browser, status: r.status, text: r.text };
}

test("a disabled account's tokens, password and session are refused; enabling restores them", async () => {
  const server = await startTestServer();
  try {
    const { bank } = server.worker;
    const client = await registerClient(server.url);
    const dana = await registerUser(server.url, client, "dana", PASSWORD);
    const eve = await registerUser(server.url, client, "eve", PASSWORD);
    const danaApi = userCreds(client, dana.token);
    const session = await webLogin(server.url, "dana", PASSWORD);
    assert.equal(session.status, 303);

    await disableUser(bank, "dana", "testing");
    const read = await signedRequest(server.url, danaApi, "GET", "/api/user/dana/inbox");
    assert.equal(read.status, 403);
    assert.equal(read.body.error, "The account 'dana' has been disabled by the site's administrator.");
    const write = await signedRequest(server.url, danaApi, "POST", "/api/user/dana/feed", { verb: "post", object: { objectType: "note", content: "hi" } });
    assert.equal(write.status, 403);
    // Her session (which deserializes her account on each request) no longer counts as logged in.
    const me = await session.browser.get("/main/account");
    assert.notEqual(me.status, 200);
    const login = await webLogin(server.url, "dana", PASSWORD);
    assert.equal(login.status, 403);
    assert.match(login.text, /disabled by the site(&#39;|&#x27;|')s administrator/);
    // Others go on as before; her profile stays readable.
    assert.equal((await signedRequest(server.url, userCreds(client, eve.token), "GET", "/api/user/dana/profile")).status, 200);
    assert.equal((await signedRequest(server.url, userCreds(client, eve.token), "GET", "/api/user/eve/inbox")).status, 200);

    await enableUser(bank, "dana");
    assert.equal((await signedRequest(server.url, danaApi, "GET", "/api/user/dana/inbox")).status, 200);
    assert.equal((await webLogin(server.url, "dana", PASSWORD)).status, 303);
  } finally {
    await server.close();
  }
});
