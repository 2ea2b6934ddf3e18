import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { clientCreds, registerClient, signedRequest, userCreds, type ClientCreds, type Creds } from "../support/oauth-client";
import type { TestServer } from "../support/server";
import { Browser, PASSWORD } from "../web/support";
import { MailSink, TestClock, confirmVia, linkIn, startEmailServer } from "./support";
import { CONFIRM_TTL_MS, RESEND_INTERVAL_MS } from "../../lib/email";

describe("email confirmation with requireEmail", () => {
  let sink: MailSink;
  let server: TestServer;
  let client: ClientCreds;
  const clock = new TestClock();
  const register = (body: Record<string, unknown>) => signedRequest(server.url, clientCreds(client), "POST", "/api/users", body);

  before(async () => {
    sink = await MailSink.start();
    server = await startEmailServer(sink, ["--requireEmail", "true"], { clock });
    client = await registerClient(server.url, { application_name: "Email tests" });
  });
  after(async () => {
    await server.close();
    await sink.close();
  });

  it("refuses an API registration without an email address (400)", async () => {
    const res = await register({ nickname: "nomail", password: PASSWORD });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, "No email address");
  });

  it("creates the account unconfirmed, mails a link, and answers 403 to its token until the link is used", async () => {
    const res = await register({ nickname: "carla", password: PASSWORD, email: "carla@example.test" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.email, undefined, "the address is not the account's before confirmation");
    const creds: Creds = userCreds(client, { token: res.body.token, secret: res.body.secret });

    const mail = await sink.next();
    assert.deepEqual(mail.to, ["carla@example.test"]);
    assert.equal(mail.subject, "Confirm your email address for Mailtest");
    assert.match(mail.headers.from ?? "", /no-reply@127\.0\.0\.1/);
    const path = linkIn(mail, "/main/confirm/");
    assert.ok(mail.html.includes(`${server.url}${path}`), "the HTML part carries the same link");
    assert.match(mail.text, /carla@example\.test/);

    const blocked = await signedRequest(server.url, creds, "GET", "/api/user/carla/inbox");
    assert.equal(blocked.status, 403);
    assert.match(blocked.body.error, /confirm your email address/);

    // The link shows a page with a button; only the button (POST) confirms.
    const b = new Browser(server.url);
    const page = await b.page(path);
    assert.match(page, /carla@example\.test/);
    assert.equal((await signedRequest(server.url, creds, "GET", "/api/user/carla/inbox")).status, 403, "showing the page uses nothing up");
    await confirmVia(b, { ...mail });

    const ok = await signedRequest(server.url, creds, "GET", "/api/user/carla");
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.email, "carla@example.test");
    // The confirming browser is logged in as carla.
    assert.match(await b.page("/"), /data-nickname="carla"/);

    // Single use.
    const again = await new Browser(server.url).get(path);
    assert.equal(again.status, 400);
    assert.match(again.text, /id="confirm-invalid"/);
  });

  it("resends through the API (not twice within a minute); the new link replaces the old", async () => {
    const res = await register({ nickname: "dmitri", password: PASSWORD, email: "dmitri@example.test" });
    assert.equal(res.status, 200, res.text);
    const creds = userCreds(client, { token: res.body.token, secret: res.body.secret });
    const first = linkIn(await sink.next(), "/main/confirm/");

    const tooSoon = await signedRequest(server.url, creds, "POST", "/api/user/dmitri/confirmation/resend");
    assert.equal(tooSoon.status, 429, tooSoon.text);
    assert.ok(tooSoon.headers["retry-after"]);

    clock.advance(RESEND_INTERVAL_MS + 1000);
    const resent = await signedRequest(server.url, creds, "POST", "/api/user/dmitri/confirmation/resend");
    assert.equal(resent.status, 200, resent.text);
    assert.deepEqual(resent.body, { sent: true, email: "dmitri@example.test" });
    const mail = await sink.next();
    assert.deepEqual(mail.to, ["dmitri@example.test"]);
    const second = linkIn(mail, "/main/confirm/");
    assert.notEqual(second, first);

    const b = new Browser(server.url);
    assert.equal((await b.get(first)).status, 400, "one outstanding code per person");
    await confirmVia(b, mail);
    const after = await signedRequest(server.url, creds, "POST", "/api/user/dmitri/confirmation/resend");
    assert.equal(after.status, 400, "nothing left to confirm");
  });

  it("lets the link expire", async () => {
    const res = await register({ nickname: "elena", password: PASSWORD, email: "elena@example.test" });
    assert.equal(res.status, 200, res.text);
    const path = linkIn(await sink.next(), "/main/confirm/");
    const b = new Browser(server.url);
    await b.page(path);
    clock.advance(CONFIRM_TTL_MS + 1000);
    const used = await b.submit(path, {});
    assert.equal(used.status, 400);
    assert.equal((await b.get(path)).status, 400);
  });

  it("web: registration needs the address, does not log in, and login says to confirm, with a resend button", async () => {
    const b = new Browser(server.url);
    const form = await b.page("/main/register");
    assert.match(form, /name="email"/);
    const noMail = await b.submit("/main/register", { nickname: "farid", password: PASSWORD, repeat: PASSWORD });
    assert.equal(noMail.status, 400);

    const r = await b.submit("/main/register", { nickname: "farid", password: PASSWORD, repeat: PASSWORD, email: "farid@example.test" });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.text, /id="confirm-needed"/);
    assert.doesNotMatch(r.text, /data-nickname=/, "not logged in");
    const firstMail = await sink.next();
    assert.deepEqual(firstMail.to, ["farid@example.test"]);

    const login = new Browser(server.url);
    await login.page("/main/login");
    const refused = await login.submit("/main/login", { nickname: "farid", password: PASSWORD });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /id="confirm-needed"/);
    assert.match(refused.text, /farid@example\.test/);
    assert.match(refused.text, /id="confirm-resend"/);
    assert.equal(login.hasCookie("pump.sid") && (await login.page("/")).includes('data-nickname="farid"'), false);

    clock.advance(RESEND_INTERVAL_MS + 1000);
    const resent = await login.submit("/main/confirm-resend", {});
    assert.equal(resent.status, 200, resent.text.slice(0, 300));
    assert.match(resent.text, /We sent a new link to farid@example\.test/);
    const mail = await sink.next();
    assert.deepEqual(mail.to, ["farid@example.test"]);
    await confirmVia(login, mail);
    assert.match(await login.page("/"), /data-nickname="farid"/);

    const later = new Browser(server.url);
    await later.page("/main/login");
    const ok = await later.submit("/main/login", { nickname: "farid", password: PASSWORD });
    assert.equal(ok.status, 303);
  });

  it("a resend without a login attempt in the session is refused", async () => {
    const b = new Browser(server.url);
    await b.page("/main/login");
    const r = await b.submit("/main/confirm-resend", {});
    assert.equal(r.status, 400);
  });
});

describe("email confirmation on an API-only site (noweb)", () => {
  let sink: MailSink;
  let server: TestServer;
  before(async () => {
    sink = await MailSink.start();
    server = await startEmailServer(sink, ["--requireEmail", "true", "--noweb", "true"]);
  });
  after(async () => {
    await server.close();
    await sink.close();
  });

  it("still serves the confirmation link, and the API opens once it is used", async () => {
    const client = await registerClient(server.url, { application_name: "API only" });
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "lars", password: PASSWORD, email: "lars@example.test" });
    assert.equal(res.status, 200, res.text);
    const creds = userCreds(client, { token: res.body.token, secret: res.body.secret });
    assert.equal((await signedRequest(server.url, creds, "GET", "/api/user/lars/inbox")).status, 403);
    await confirmVia(new Browser(server.url), await sink.next());
    assert.equal((await signedRequest(server.url, creds, "GET", "/api/user/lars/inbox")).status, 200);
    const b = new Browser(server.url);
    await b.page("/main/recover");
    assert.equal((await b.submit("/main/recover", { identifier: "lars" })).status, 303, "recovery works for API users too");
    const path = linkIn(await sink.next(), "/main/recover/");
    await b.page(path);
    const done = await b.submit(path, { password: "api*rabbit*77", repeat: "api*rabbit*77" });
    assert.equal(done.status, 200, done.text.slice(0, 300));
    assert.match(done.text, /id="recover-code-done"/);
  });
});
