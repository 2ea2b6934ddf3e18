import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { clientCreds, registerClient, signedRequest, userCreds, type ClientCreds, type Creds } from "../support/oauth-client";
import type { TestServer } from "../support/server";
import { Browser, PASSWORD } from "../web/support";
import { MailSink, confirmVia, linkIn, startEmailServer, type Mail } from "./support";

interface Person {
  nickname: string;
  id: string;
  creds: Creds;
  browser: Browser;
}

describe("notification mail", () => {
  let sink: MailSink;
  let server: TestServer;
  let client: ClientCreds;
  let alice: Person;
  let bob: Person;
  let carol: Person;

  /** Registers with an address and confirms it; the person's browser is logged in. */
  const person = async (nickname: string): Promise<Person> => {
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname, password: PASSWORD, email: `${nickname}@example.test` });
    assert.equal(res.status, 200, res.text);
    const browser = new Browser(server.url);
    await browser.page("/main/login");
    assert.equal((await browser.submit("/main/login", { nickname, password: PASSWORD })).status, 303);
    await confirmVia(browser, await sink.next());
    return { nickname, id: res.body.profile.id, creds: userCreds(client, { token: res.body.token, secret: res.body.secret }), browser };
  };
  const post = async (who: Person, content: string, to: Array<{ id: string; objectType: string }>, cc?: Array<{ id: string; objectType: string }>) => {
    const res = await signedRequest(server.url, who.creds, "POST", `/api/user/${who.nickname}/feed`, { verb: "post", object: { objectType: "note", content }, to, ...(cc ? { cc } : {}) });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const direct = (p: Person) => [{ id: p.id, objectType: "person" }];
  const next = async (to: string): Promise<Mail> => {
    const mail = await sink.next();
    assert.deepEqual(mail.to, [to], `expected a mail to ${to}, got "${mail.subject}" to ${mail.to.join(",")}`);
    return mail;
  };

  before(async () => {
    sink = await MailSink.start();
    server = await startEmailServer(sink);
    client = await registerClient(server.url, { application_name: "Notification tests" });
    alice = await person("alice");
    bob = await person("bob");
    carol = await person("carol");
  });
  after(async () => {
    await server.close();
    await sink.close();
  });

  it("mails a local person something sent to them directly, with text and HTML parts and a link", async () => {
    const act = await post(bob, "<p>Hello <b>Alice</b> &amp; friends</p>", direct(alice));
    const mail = await next("alice@example.test");
    assert.equal(mail.subject, "bob posted a note on Mailtest");
    assert.match(mail.text, /^bob posted a note$/m);
    assert.match(mail.text, /Hello Alice & friends/);
    assert.ok(mail.text.includes(act.url), "links the activity's page");
    assert.match(mail.html, /<p>bob posted a note<\/p>/);
    assert.match(mail.html, /Hello Alice &amp; friends/, "content is escaped text in the HTML part, not the sender's markup");
    assert.doesNotMatch(mail.html, /<b>Alice/);
    assert.ok(mail.html.includes(`href="${act.url}"`));
    assert.ok(mail.text.includes(`${server.url}/main/settings`), "says where to turn it off");
  });

  it("names the recipient 'you' when they are the object (a follow)", async () => {
    const res = await signedRequest(server.url, alice.creds, "POST", "/api/user/alice/feed", { verb: "follow", object: { id: bob.id, objectType: "person" } });
    assert.equal(res.status, 200, res.text);
    const mail = await next("bob@example.test");
    assert.equal(mail.subject, "alice followed you on Mailtest");
  });

  it("never mails a note's words to someone it was not addressed to (bob shares alice's private note to carol)", async () => {
    const res = await signedRequest(server.url, alice.creds, "POST", "/api/user/alice/feed", {
      verb: "post",
      object: { objectType: "note", displayName: "Secret plan", content: "only for bob: the vault code" },
      to: direct(bob),
    });
    assert.equal(res.status, 200, res.text);
    await next("bob@example.test");
    const share = await signedRequest(server.url, bob.creds, "POST", "/api/user/bob/feed", { verb: "share", object: { id: res.body.object.id, objectType: "note" }, to: direct(carol) });
    assert.equal(share.status, 200, share.text);
    const mail = await next("carol@example.test");
    assert.equal(mail.subject, "bob shared a note on Mailtest");
    for (const part of [mail.subject, mail.text, mail.html]) {
      assert.doesNotMatch(part, /vault code|Secret plan/);
    }
  });

  it("sends nothing for followers-only or public delivery, nor for one's own actions", async () => {
    // alice follows bob, so she gets these through his followers, not directly.
    await post(bob, "for everyone", [{ id: "http://activityschema.org/collection/public", objectType: "collection" }], [{ id: `${server.url}/api/user/bob/followers`, objectType: "collection" }]);
    await post(bob, "for my followers", [{ id: `${server.url}/api/user/bob/followers`, objectType: "collection" }]);
    await post(bob, "a note to myself", direct(bob));
    // Messages leave in order over one connection: the next mail must be this one.
    await post(bob, "marker for alice", direct(alice));
    const mail = await next("alice@example.test");
    assert.match(mail.text, /marker for alice/);
  });

  it("stops when the person opts out in settings, and the settings page shows it", async () => {
    const page = await alice.browser.page("/main/settings");
    assert.match(page, /id="email-notify"[^>]*checked/);
    assert.match(page, /id="email-address"[^>]*value="alice@example\.test"/);
    const saved = await alice.browser.submit("/main/settings/email", { email: "alice@example.test" });
    assert.equal(saved.status, 303, saved.text.slice(0, 300));
    assert.doesNotMatch(await alice.browser.page("/main/settings"), /id="email-notify"[^>]*checked/);

    await post(bob, "alice won't hear of this", direct(alice));
    await post(bob, "marker for carol", direct(carol));
    assert.match((await next("carol@example.test")).text, /marker for carol/);

    // And back on.
    assert.equal((await alice.browser.submit("/main/settings/email", { email: "alice@example.test", notify: "on" })).status, 303);
    await post(bob, "welcome back", direct(alice));
    assert.match((await next("alice@example.test")).text, /welcome back/);
  });

  it("confirms a changed address by mail before using it", async () => {
    const saved = await carol.browser.submit("/main/settings/email", { email: "carol.new@example.test", notify: "on" });
    assert.equal(saved.status, 303);
    const confirm = await next("carol.new@example.test");
    assert.equal(confirm.subject, "Confirm your email address for Mailtest");
    assert.match(await carol.browser.page("/main/settings"), /id="email-pending">carol\.new@example\.test/);

    // Until confirmed, mail goes to the old address.
    await post(bob, "still the old one", direct(carol));
    assert.match((await next("carol@example.test")).text, /still the old one/);

    await confirmVia(carol.browser, confirm);
    const me = await signedRequest(server.url, carol.creds, "GET", "/api/user/carol");
    assert.equal(me.body.email, "carol.new@example.test");
    await post(bob, "now the new one", direct(carol));
    assert.match((await next("carol.new@example.test")).text, /now the new one/);
  });

  it("confirms an address changed through the API (PUT /api/user/:nickname) too", async () => {
    const res = await signedRequest(server.url, bob.creds, "PUT", "/api/user/bob", { nickname: "bob", password: PASSWORD, email: "bob.new@example.test" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email, "bob@example.test", "the old address stays until the new one is confirmed");
    const mail = await next("bob.new@example.test");
    const bad = await signedRequest(server.url, bob.creds, "PUT", "/api/user/bob", { nickname: "bob", password: PASSWORD, email: "not an address" });
    assert.equal(bad.status, 400);
    await confirmVia(bob.browser, mail);
    assert.equal((await signedRequest(server.url, bob.creds, "GET", "/api/user/bob")).body.email, "bob.new@example.test");
    assert.ok(linkIn(mail, "/main/confirm/"));
  });
});
