import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { Browser, objectLink, PASSWORD, registerVia, startWeb } from "./support";

let server: TestServer;
let alice: Browser;
let bob: Browser;

before(async () => {
  server = await startWeb();
  alice = new Browser(server.url);
  bob = new Browser(server.url);
  await registerVia(alice, "alice");
  await registerVia(bob, "bob");
});
after(() => server.close());

test("welcome page for anonymous visitors, with landmarks and a skip link", async () => {
  const html = await new Browser(server.url).page("/");
  assert.match(html, /Welcome to /);
  assert.match(html, /href="\/main\/login"/);
  assert.match(html, /href="\/main\/register"/);
  for (const landmark of ["<header", "<nav", "<main", "<footer"]) assert.ok(html.includes(landmark), landmark);
  assert.match(html, /class="skip-link" href="#content"/);
  assert.match(html, /<link rel="stylesheet" href="\/stylesheet\/pump.css">/);
  assert.doesNotMatch(html, /https?:\/\/cdn/);
});

test("the stylesheet is served by the server itself", async () => {
  const res = await fetch(`${server.url}/stylesheet/pump.css`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/css/);
  assert.match(await res.text(), /:focus-visible/);
});

test("after registering, home shows the major inbox with the welcome note and the minor inbox", async () => {
  const html = await alice.page("/");
  assert.match(html, /data-stream-url="http:\/\/127\.0\.0\.1:\d+\/api\/user\/alice\/inbox\/major"/);
  assert.match(html, /data-stream-url="http:\/\/127\.0\.0\.1:\d+\/api\/user\/alice\/inbox\/minor"/);
  assert.match(html, /Welcome to [^<]*, alice!/);
  assert.match(html, /data-activity-id="http:\/\/[^"]+\/api\/activity\/[^"]+"/);
  assert.match(html, /<form id="post-note"[^>]*action="\/main\/post"/);
  assert.match(html, /<meta name="csrf-token" content="[^"]+">/);
  assert.match(html, /data-nickname="alice"/);
});

test("logout ends the session; login with the wrong password is refused; the right one works", async () => {
  const b = new Browser(server.url);
  await registerVia(b, "carol");
  const out = await b.submit("/main/logout", {});
  assert.equal(out.status, 303);
  assert.match(await b.page("/"), /Welcome to /);
  assert.equal((await b.get("/main/settings")).status, 302);

  await b.page("/main/login");
  const bad = await b.submit("/main/login", { nickname: "carol", password: "wrong password 1" });
  assert.equal(bad.status, 401);
  assert.match(bad.text, /Incorrect username or password/);
  assert.match(bad.text, /id="login"/);

  const good = await b.submit("/main/login", { nickname: "carol", password: PASSWORD, continue: "/main/account" });
  assert.equal(good.status, 303);
  assert.equal(good.location, "/main/account");
  assert.match(await b.page("/main/account"), /logged in as <strong>carol<\/strong>/);
});

test("login continue= only goes to our own paths", async () => {
  const b = new Browser(server.url);
  await b.page("/main/login");
  const r = await b.submit("/main/login", { nickname: "bob", password: PASSWORD, continue: "//evil.example/x" });
  assert.equal(r.status, 303);
  assert.equal(r.location, "/");
});

test("login throttling: after repeated failures a nickname is locked (429), even with the right password", async () => {
  const b = new Browser(server.url);
  await registerVia(b, "dave");
  await b.submit("/main/logout", {});
  await b.page("/main/login");
  for (let i = 0; i < 5; i++) {
    const r = await b.submit("/main/login", { nickname: "dave", password: `guess-${i}-xx` });
    assert.equal(r.status, 401, `attempt ${i}`);
  }
  const locked = await b.submit("/main/login", { nickname: "dave", password: PASSWORD });
  assert.equal(locked.status, 429);
  assert.match(locked.text, /Too many failed login attempts/);
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  // Another account is not affected.
  const other = new Browser(server.url);
  await other.page("/main/login");
  assert.equal((await other.submit("/main/login", { nickname: "bob", password: PASSWORD })).status, 303);
});

test("profile pages render for anonymous and logged-in readers", async () => {
  const anon = new Browser(server.url);
  const profile = await anon.page("/alice");
  assert.match(profile, /data-stream-url="[^"]+\/api\/user\/alice\/feed\/major"/);
  assert.match(profile, /data-stream-url="[^"]+\/api\/user\/alice\/feed\/minor"/);
  assert.match(profile, /@alice/);
  for (const [path, stream] of [
    ["/alice/followers", "/api/user/alice/followers"],
    ["/alice/following", "/api/user/alice/following"],
    ["/alice/favorites", "/api/user/alice/favorites"],
    ["/alice/lists", "/api/user/alice/lists/person"],
  ]) {
    const html = await bob.page(path);
    assert.ok(html.includes(`data-stream-url="${server.url}${stream}"`), path);
  }
  const lists = await alice.page("/alice/lists");
  const listPath = /href="(\/alice\/list\/[^"]+)"/.exec(lists)?.[1];
  assert.ok(listPath, "a list link");
  const list = await alice.page(listPath);
  assert.match(list, /data-stream-url="[^"]+\/api\/collection\/[^"]+\/members"/);
  assert.match(list, /Family|Friends|Coworkers|Acquaintances/);
});

test("unknown users, objects and pages are 404 pages in the layout", async () => {
  const b = new Browser(server.url);
  for (const path of ["/nobody", "/nobody/followers", "/alice/note/no-such-note", "/alice/activity/nope", "/alice/list/nope", "/alice/bogus/x"]) {
    const r = await b.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.text, /<h1>404/, path);
    assert.match(r.text, /class="skip-link"/, path);
  }
});

test("settings, account and messages need a login (redirect with continue)", async () => {
  const b = new Browser(server.url);
  for (const path of ["/main/settings", "/main/account", "/main/messages"]) {
    const r = await b.get(path);
    assert.equal(r.status, 302, path);
    assert.equal(r.location, `/main/login?continue=${encodeURIComponent(path)}`);
  }
  assert.match(await alice.page("/main/settings"), /<form id="settings"/);
  assert.match(await alice.page("/main/account"), /<form id="account"/);
  const messages = await alice.page("/main/messages");
  assert.match(messages, /data-stream-url="[^"]+\/api\/user\/alice\/inbox\/direct\/major"/);
});

test("a private note: its activity and object pages are 403 for others, login redirect for anonymous", async () => {
  const home = await alice.page("/");
  await alice.submit("/main/post", { content: "Only for bob's eyes? no, for my followers", to: "followers" });
  const page = await alice.page("/alice");
  const notePath = objectLink(page, "alice", "note");
  const actPath = /href="(\/alice\/activity\/[^"]+)"/.exec(page)?.[1];
  assert.ok(notePath && actPath && home);
  assert.match(await alice.page(notePath), /for my followers/);
  assert.match(await alice.page(actPath), /for my followers/);
  // bob does not follow alice.
  assert.equal((await bob.get(notePath)).status, 403);
  assert.equal((await bob.get(actPath)).status, 403);
  const anon = await new Browser(server.url).get(notePath);
  assert.equal(anon.status, 302);
  assert.equal(anon.location, `/main/login?continue=${encodeURIComponent(notePath)}`);
  // Under another user's name: 404.
  assert.equal((await alice.get(notePath.replace("/alice/", "/bob/"))).status, 404);
});

test("/:nickname is negotiated: HTML page, JSON profile, AS2 profile, 406", async () => {
  const html = await fetch(`${server.url}/alice`, { headers: { Accept: "text/html" } });
  assert.equal(html.status, 200);
  assert.match(html.headers.get("content-type") ?? "", /text\/html/);

  // JSON needs auth like the API: none → 401; OAuth or a web session → the profile.
  assert.equal((await fetch(`${server.url}/alice`, { headers: { Accept: "application/json" } })).status, 401);
  const client = await registerClient(server.url, { application_name: "web tests" });
  const { token } = await registerUser(server.url, client, "erin", PASSWORD);
  const creds = userCreds(client, token);
  const json = await signedRequest<any>(server.url, creds, "GET", "/alice", undefined, { headers: { Accept: "application/json" } });
  assert.equal(json.status, 200, json.text);
  assert.equal(json.body.objectType, "person");
  assert.equal(json.body.preferredUsername, "alice");

  const bySession = await alice.get("/bob", { Accept: "application/json" });
  assert.equal(bySession.status, 200);
  assert.equal(JSON.parse(bySession.text).preferredUsername, "bob");

  const as2 = await alice.get("/bob", { Accept: "application/activity+json" });
  assert.equal(as2.status, 200);
  assert.match(as2.headers.get("content-type") ?? "", /activity|ld\+json/);
  assert.equal(JSON.parse(as2.text).type, "Person");

  const none = await fetch(`${server.url}/alice`, { headers: { Accept: "image/png" } });
  assert.equal(none.status, 406);
});

test("API reads accept the web session; API writes never do", async () => {
  const read = await alice.get("/api/user/alice/inbox/major", { Accept: "application/json" });
  assert.equal(read.status, 200);
  assert.ok(Array.isArray(JSON.parse(read.text).items));
  const write = await alice.request("POST", "/api/user/alice/feed", {
    json: { verb: "post", object: { objectType: "note", content: "via cookie" } },
    headers: { Accept: "application/json", "X-CSRF-Token": alice.csrf ?? "" },
  });
  assert.ok(write.status === 401 || write.status === 400, `status ${write.status}`);
  assert.doesNotMatch(await alice.page("/alice"), /via cookie/);
});
