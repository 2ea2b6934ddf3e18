import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TestServer } from "../support/server";
import { Browser, objectLink, PASSWORD, registerVia, startWeb } from "./support";

let server: TestServer;
let alice: Browser;
let bob: Browser;
let carol: Browser;
let bobId: string;

before(async () => {
  server = await startWeb();
  [alice, bob, carol] = [new Browser(server.url), new Browser(server.url), new Browser(server.url)];
  await registerVia(alice, "alice");
  await registerVia(bob, "bob");
  await registerVia(carol, "carol");
  bobId = `${server.url}/api/user/bob/profile`;
});
after(() => server.close());

test("follow from the profile page; the button becomes Unfollow", async () => {
  const page = await bob.page("/alice");
  assert.match(page, /action="\/main\/follow"/);
  const r = await bob.submit("/main/follow", { object: `${server.url}/api/user/alice/profile`, objectType: "person", returnTo: "/alice" });
  assert.equal(r.status, 303);
  assert.equal(r.location, "/alice");
  assert.match(await bob.page("/alice"), /action="\/main\/unfollow"/);
  assert.match(await bob.page("/bob/following"), /href="\/alice"/);
  assert.match(await alice.page("/alice/followers"), /href="\/bob"/);
});

test("post a public note: it shows on the profile and in a follower's inbox", async () => {
  const r = await alice.submit("/main/post", { content: "Hello <world> & friends", to: "public" });
  assert.equal(r.status, 303);
  const profile = await alice.page("/alice");
  assert.match(profile, /Hello &lt;world&gt; &amp; friends/);
  assert.match(await bob.page("/"), /Hello &lt;world&gt; &amp; friends/);
  assert.match(await new Browser(server.url).page("/alice"), /Hello &lt;world&gt;/);
});

test("post a note to one person: they see it, others do not", async () => {
  assert.doesNotMatch(await alice.page("/"), /value="person:/, "nobody followed yet: no person to choose");
  assert.equal((await alice.submit("/main/follow", { object: bobId, objectType: "person" })).status, 303);
  assert.ok((await alice.page("/")).includes(`value="person:${bobId}"`), "people followed are offered as recipients");
  const r = await alice.submit("/main/post", { content: "Psst, bob only", to: `person:${bobId}` });
  assert.equal(r.status, 303);
  assert.match(await bob.page("/"), /Psst, bob only/);
  assert.match(await bob.page("/main/messages"), /Psst, bob only/);
  assert.doesNotMatch(await carol.page("/alice"), /Psst, bob only/);
  assert.doesNotMatch(await new Browser(server.url).page("/alice"), /Psst, bob only/);
});

test("reply, like and share a note; the object page shows replies, likes and shares", async () => {
  await alice.submit("/main/post", { content: "Like and share me", to: "public" });
  const notePath = objectLink(await alice.page("/alice"), "alice", "note");
  assert.ok(notePath);
  const objectPage = await bob.page(notePath);
  const noteId = /name="object" value="([^"]+)"/.exec(objectPage)?.[1] ?? "";
  assert.ok(noteId.includes("/api/note/"));

  const reply = await bob.submit("/main/reply", { inReplyTo: noteId, inReplyToType: "note", content: "Nice one!", returnTo: notePath });
  assert.equal(reply.status, 303);
  assert.equal(reply.location, notePath);
  assert.equal((await bob.submit("/main/like", { object: noteId, objectType: "note" })).status, 303);
  assert.equal((await carol.submit("/main/share", { object: noteId, objectType: "note" })).status, 303);

  const html = await alice.page(notePath);
  const section = (id: string) => html.slice(html.indexOf(`id="${id}-title"`), html.indexOf("</section>", html.indexOf(`id="${id}-title"`)));
  assert.match(section("replies"), /Nice one!/);
  assert.match(section("likes"), /href="\/bob"/);
  assert.match(section("shares"), /href="\/carol"/);
  assert.match(html, /data-stream-url="[^"]+\/api\/note\/[^"]+\/replies"/);

  // The buttons flip for the one who acted; undoing works too.
  assert.match(await bob.page(notePath), /action="\/main\/unlike"/);
  assert.equal((await bob.submit("/main/unlike", { object: noteId, objectType: "note" })).status, 303);
  assert.match(await bob.page(notePath), /action="\/main\/like"/);
  assert.match(await carol.page(notePath), /action="\/main\/unshare"/);
  assert.match(await bob.page("/bob/favorites"), /No favorites yet/);
});

test("delete own note", async () => {
  await carol.submit("/main/post", { content: "Ephemeral words", to: "public" });
  const notePath = objectLink(await carol.page("/carol"), "carol", "note");
  assert.ok(notePath);
  const page = await carol.page(notePath);
  assert.match(page, /action="\/main\/delete"/);
  const noteId = /name="object" value="([^"]+)"/.exec(page)![1];
  // Not someone else's.
  assert.notEqual((await bob.submit("/main/delete", { object: noteId, objectType: "note" })).status, 303);
  assert.equal((await carol.submit("/main/delete", { object: noteId, objectType: "note" })).status, 303);
  assert.notEqual((await carol.get(notePath)).status, 200);
  // In her stream the post stays, as a tombstone with no actions on it.
  const profile = await carol.page("/carol");
  assert.match(profile, /This note was deleted\./);
  assert.ok(!profile.includes(`name="object" value="${noteId}"`), "no like/share/delete forms for a deleted note");
});

test("edit profile: display name and bio show on the profile page", async () => {
  const r = await carol.submit("/main/settings", { displayName: "Carol C.", summary: "Gardener.\nLikes tea.", location: "Leeds" });
  assert.equal(r.status, 303);
  assert.equal(r.location, "/carol");
  const html = await alice.page("/carol");
  assert.match(html, /Carol C\./);
  assert.match(html, /Gardener\.<br \/>Likes tea\./);
  assert.match(html, /Leeds/);
  assert.match(await carol.page("/main/settings"), /value="Carol C\."/);
});

test("change password: wrong current one refused, then the new one logs in", async () => {
  const b = new Browser(server.url);
  await registerVia(b, "dan");
  const wrong = await b.submit("/main/account", { old: "not my password", password: "new*password*1", repeat: "new*password*1" });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /current password is not correct/);
  const weak = await b.submit("/main/account", { old: PASSWORD, password: "12345678", repeat: "12345678" });
  assert.equal(weak.status, 400);
  const ok = await b.submit("/main/account", { old: PASSWORD, password: "new*password*1", repeat: "new*password*1" });
  assert.equal(ok.status, 303);
  assert.match(await b.page(ok.location!), /password has been changed/);

  const fresh = new Browser(server.url);
  await fresh.page("/main/login");
  assert.equal((await fresh.submit("/main/login", { nickname: "dan", password: PASSWORD })).status, 401);
  assert.equal((await fresh.submit("/main/login", { nickname: "dan", password: "new*password*1" })).status, 303);
});

test("forged posts: no token or a wrong one is a 403 page and nothing is stored", async () => {
  const before = await alice.page("/alice");
  for (const token of [null, "wrong-token", bob.csrf]) {
    const form: Record<string, string> = { content: `Forged note ${token}`, to: "public" };
    if (token) form._csrf = token;
    const r = await alice.request("POST", "/main/post", { form });
    assert.equal(r.status, 403, `token ${token}`);
    assert.match(r.text, /<h1>403/);
  }
  const forgedSettings = await alice.request("POST", "/main/settings", { form: { displayName: "Hacked" } });
  assert.equal(forgedSettings.status, 403);
  const forgedLogout = await alice.request("POST", "/main/logout", { form: {} });
  assert.equal(forgedLogout.status, 403);
  const after = await alice.page("/alice");
  assert.doesNotMatch(after, /Forged note|Hacked/);
  assert.ok(before.length > 0 && /data-nickname="alice"/.test(after), "still logged in");
  // A login form needs the token too (no login CSRF).
  const anon = new Browser(server.url);
  assert.equal((await anon.request("POST", "/main/login", { form: { nickname: "alice", password: PASSWORD } })).status, 403);
});

test("the client script's way: X-CSRF-Token header and Accept: application/json get JSON answers", async () => {
  const token = alice.csrf!;
  const r = await alice.request("POST", "/main/post", {
    json: { content: "Posted by script", to: "public" },
    headers: { Accept: "application/json", "X-CSRF-Token": token },
  });
  assert.equal(r.status, 200);
  const act = JSON.parse(r.text);
  assert.equal(act.verb, "post");
  assert.match(act.object.content, /Posted by script/);
  const bad = await alice.request("POST", "/main/like", { json: { object: act.object.id }, headers: { Accept: "application/json" } });
  assert.equal(bad.status, 403);
  assert.ok(JSON.parse(bad.text).error);
});
