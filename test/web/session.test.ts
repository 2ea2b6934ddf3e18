import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBank, type Bank } from "../../lib/databank";
import { BankSessionStore, SESSION_TYPE } from "../../lib/web/session-store";
import { sessionCookieOptions, SESSION_COOKIE } from "../../lib/web/session";
import { PasswordThrottle } from "../../lib/model/password-throttle";
import { startTestServer, type TestServer } from "../support/server";
import { getRequestToken, registerClient, registerUser, elementValue } from "../support/oauth-client";
import { Browser, PASSWORD, registerVia, startWeb } from "./support";

let bank: Bank;
before(async () => {
  bank = await openBank({ driver: "memory", params: {}, schema: {} });
});
after(() => bank.disconnect());

test("cookie options: HttpOnly, SameSite=Lax, Secure only under HTTPS, site path", () => {
  const plain = sessionCookieOptions({ key: null, urlPath: null });
  assert.equal(plain.httpOnly, true);
  assert.equal(plain.sameSite, "lax");
  assert.equal(plain.secure, false);
  assert.equal(plain.path, "/");
  const tls = sessionCookieOptions({ key: "/etc/pump/key.pem", urlPath: "/social/" });
  assert.equal(tls.secure, true);
  assert.equal(tls.path, "/social");
});

test("session store: sessions round-trip, expire, and cleanup deletes only dead ones", async () => {
  let now = 1_000_000;
  const store = new BankSessionStore(bank, 60_000, () => now);
  const data = { cookie: { originalMaxAge: null }, csrfToken: "t" } as never;
  await store.writeSession("live", data);
  await store.writeSession("dead", { cookie: { originalMaxAge: 1000, expires: new Date(now + 1000) } } as never);
  assert.equal((await store.readSession("live"))?.csrfToken, "t");
  now += 5000;
  assert.equal(await store.readSession("dead"), null);
  await store.writeSession("dead2", { cookie: { originalMaxAge: 1000, expires: new Date(now + 1000) } } as never);
  now += 5000;
  assert.equal(await store.cleanup(), 1);
  assert.ok(await store.readSession("live"));
  now += 120_000;
  assert.equal(await store.cleanup(), 1);
  assert.equal(await store.readSession("live"), null);
});

test("session store: a touch writes only when it moves the expiry by a tenth of the lifetime (reads do not write)", async () => {
  let now = 5_000_000;
  const store = new BankSessionStore(bank, 60_000, () => now);
  const at = (t: number) => ({ cookie: { originalMaxAge: 60_000, expires: new Date(t + 60_000) }, csrfToken: "c" }) as never;
  await store.writeSession("reader", at(now));
  const stored = async () => (await bank.read(SESSION_TYPE, "reader")).expires as number;
  const first = await stored();
  now += 5_000; // under 6 s (a tenth of 60 s): no write
  await store.touchSession("reader", at(now));
  assert.equal(await stored(), first);
  now += 2_000; // 7 s since the last write: written
  await store.touchSession("reader", at(now));
  assert.equal(await stored(), now + 60_000);
  await store.removeSession("reader");
  now += 30_000;
  await store.touchSession("reader", at(now));
  assert.equal(await store.readSession("reader"), null, "a touch never brings a removed session back");
});

test("throttle: locks an (account, address) pair past the limit until its window ends; purges old windows", async () => {
  let now = 0;
  const t = new PasswordThrottle(bank, { perAccount: 3, perAddress: 100, windowMs: 5000 }, () => now);
  for (let i = 0; i < 3; i++) await t.claim("zed", "1.2.3.4");
  await assert.rejects(t.claim("ZED", "1.2.3.4"), (e: any) => e.status === 429 && e.headers["Retry-After"] === "5");
  // Neither the same account elsewhere nor another account here is locked.
  await t.claim("zed", "9.9.9.9");
  const amy = await t.claim("amy", "1.2.3.4");
  // A right password starts the pair afresh.
  await t.succeeded(amy);
  for (let i = 0; i < 3; i++) await t.claim("amy", "1.2.3.4");
  now += 6000;
  await t.claim("zed", "1.2.3.4");
  assert.equal(await t.purge(), 5);
  assert.equal(await t.purge(), 0);
});

test("the session cookie as sent: HttpOnly, SameSite=Lax, no Secure on plain HTTP", async () => {
  const server = await startWeb();
  try {
    const res = await fetch(`${server.url}/main/login`, { headers: { Accept: "text/html" } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);
    // Pages without forms set no cookie.
    const welcome = await fetch(`${server.url}/`, { headers: { Accept: "text/html" } });
    assert.equal(welcome.headers.getSetCookie().length, 0);
  } finally {
    await server.close();
  }
});

test("OAuth authorize page: in the layout, uses the web session, and its login form is CSRF-checked", async () => {
  const server = await startWeb();
  try {
    const b = new Browser(server.url);
    await registerVia(b, "olga");
    const client = await registerClient(server.url, { application_name: "Test app" });
    const rt = await getRequestToken(server.url, client, { callback: "oob" });
    // Logged in on the web: straight to the approval form.
    const page = await b.page(`/oauth/authorize?oauth_token=${encodeURIComponent(rt.token)}`);
    assert.match(page, /<form id="authorize"/);
    assert.match(page, /class="skip-link"/);
    assert.ok(elementValue(page, "verifier"));

    // A browser with a session but without the token: 403, nothing bound.
    const other = new Browser(server.url);
    const rt2 = await getRequestToken(server.url, client, { callback: "oob" });
    const login = await other.page(`/oauth/authorize?oauth_token=${encodeURIComponent(rt2.token)}`);
    assert.match(login, /<form id="oauth-authentication"/);
    assert.match(login, /name="_csrf"/);
    const forged = await other.request("POST", "/oauth/authorize", { form: { oauth_token: rt2.token, username: "olga", password: PASSWORD } });
    assert.equal(forged.status, 403);
    const good = await other.submit("/oauth/authorize", { oauth_token: rt2.token, username: "olga", password: PASSWORD });
    assert.equal(good.status, 200);
    assert.match(good.text, /<form id="authorize"/);
    // ...and that login logged the web session in too.
    assert.match(await other.page("/"), /data-nickname="olga"/);
  } finally {
    await server.close();
  }
});

test("noweb: the API description at /, no login page, /:nickname is the API profile", async () => {
  const server: TestServer = await startTestServer(["--noweb"]);
  try {
    const home = await fetch(`${server.url}/`, { headers: { Accept: "text/html" } });
    assert.equal(home.status, 200);
    const html = await home.text();
    assert.match(html, /\/api\/user\/:nickname\/feed/);
    assert.doesNotMatch(html, /href="\/main\/login"/);
    assert.equal((await fetch(`${server.url}/main/login`, { headers: { Accept: "text/html" } })).status, 404);
    assert.equal((await fetch(`${server.url}/main/register`, { headers: { Accept: "text/html" } })).status, 404);
    const client = await registerClient(server.url, { application_name: "noweb" });
    await registerUser(server.url, client, "nina", PASSWORD);
    // Even a browser gets the API (which needs auth) rather than a page.
    const profile = await fetch(`${server.url}/nina`, { headers: { Accept: "text/html" } });
    assert.equal(profile.status, 401);
  } finally {
    await server.close();
  }
});
