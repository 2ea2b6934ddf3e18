import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { clientCreds, registerClient, signedRequest, type ClientCreds } from "../support/oauth-client";
import { startTestServer, type TestServer } from "../support/server";
import { Browser, PASSWORD } from "../web/support";
import { MailSink, TestClock, confirmVia, linkIn, startEmailServer, type Mail } from "./support";
import { RECOVER_TTL_MS } from "../../lib/email";
import { RECOVER_INTERVAL_MS, RECOVER_PER_ADDRESS } from "../../lib/email/recovery";

const NEW_PASSWORD = "new*rabbit*42";

describe("password recovery by mail", () => {
  let sink: MailSink;
  let server: TestServer;
  let client: ClientCreds;
  const clock = new TestClock();

  /** An account whose address is confirmed (by its link). */
  const confirmedUser = async (nickname: string): Promise<void> => {
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname, password: PASSWORD, email: `${nickname}@example.test` });
    assert.equal(res.status, 200, res.text);
    await confirmVia(new Browser(server.url), await sink.next());
  };
  const ask = async (identifier: string) => {
    const b = new Browser(server.url);
    await b.page("/main/recover");
    return b.submit("/main/recover", { identifier });
  };
  const login = async (nickname: string, password: string): Promise<{ status: number; b: Browser }> => {
    const b = new Browser(server.url);
    await b.page("/main/login");
    return { status: (await b.submit("/main/login", { nickname, password })).status, b };
  };
  /** The next mail, which must be a recovery mail for `nickname`. */
  const recoveryMail = async (nickname: string): Promise<Mail> => {
    const mail = await sink.next();
    assert.deepEqual(mail.to, [`${nickname}@example.test`]);
    assert.equal(mail.subject, "Recover password for Mailtest");
    return mail;
  };

  before(async () => {
    sink = await MailSink.start();
    server = await startEmailServer(sink, [], { clock });
    client = await registerClient(server.url, { application_name: "Recovery tests" });
    await confirmedUser("gus");
    await confirmedUser("hana");
  });
  after(async () => {
    await server.close();
    await sink.close();
  });

  it("links the login page to the recover form", async () => {
    const page = await new Browser(server.url).page("/main/login");
    assert.match(page, /href="\/main\/recover"[^>]*>Forgot your password\?/);
    assert.match(await new Browser(server.url).page("/main/recover"), /id="recover"/);
  });

  it("answers the same whether or not the account exists, and mails only real, confirmed accounts", async () => {
    for (const who of ["nobody-here", "nobody@example.test", "gus"]) {
      const r = await ask(who);
      assert.equal(r.status, 303, `${who}: ${r.status}`);
      assert.equal(r.location, "/main/recover-sent");
    }
    const mail = await recoveryMail("gus");
    const path = linkIn(mail, "/main/recover/");
    assert.ok(mail.html.includes(`${server.url}${path}`), "the HTML part has the link too");
    assert.equal(sink.untaken.length, 0, "no mail for the unknown ones (they were asked for first)");
    assert.match(await new Browser(server.url).page("/main/recover-sent"), /id="recover-sent"/);
  });

  it("keeps one outstanding code per person: a new request replaces the old", async () => {
    clock.advance(RECOVER_INTERVAL_MS + 1000);
    assert.equal((await ask("hana@example.test")).status, 303);
    const first = linkIn(await recoveryMail("hana"), "/main/recover/");
    // Asking again at once sends nothing new (the earlier link still works).
    assert.equal((await ask("hana")).status, 303);
    clock.advance(RECOVER_INTERVAL_MS + 1000);
    assert.equal((await ask("hana")).status, 303);
    const second = linkIn(await recoveryMail("hana"), "/main/recover/");
    assert.notEqual(first, second);
    const b = new Browser(server.url);
    const old = await b.get(first);
    assert.equal(old.status, 400);
    assert.match(old.text, /id="recover-code-invalid"/);
    assert.equal((await b.get(second)).status, 200);
  });

  it("redeems: the password rules apply, the link works once, other sessions end", async () => {
    clock.advance(RECOVER_INTERVAL_MS + 1000);
    const before = await login("gus", PASSWORD);
    assert.equal(before.status, 303);
    assert.equal((await before.b.get("/main/settings")).status, 200, "logged in elsewhere");

    assert.equal((await ask("gus")).status, 303);
    const path = linkIn(await recoveryMail("gus"), "/main/recover/");
    const b = new Browser(server.url);
    assert.match(await b.page(path), /id="recover-code"/);

    const weak = await b.submit(path, { password: "password", repeat: "password" });
    assert.equal(weak.status, 400);
    assert.match(weak.text, /Bad password/);
    const typo = await b.submit(path, { password: NEW_PASSWORD, repeat: `${NEW_PASSWORD}x` });
    assert.equal(typo.status, 400);
    assert.match(typo.text, /The passwords don/);

    const done = await b.submit(path, { password: NEW_PASSWORD, repeat: NEW_PASSWORD });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    assert.equal(done.location, "/main/account?changed=1");
    assert.match(await b.page("/main/account?changed=1"), /Your password has been changed/);

    assert.equal((await before.b.get("/main/settings")).status, 302, "the other session ended");
    assert.equal((await login("gus", PASSWORD)).status, 401, "the old password is gone");
    assert.equal((await login("gus", NEW_PASSWORD)).status, 303);
    const again = await new Browser(server.url).get(path);
    assert.equal(again.status, 400, "single use");
  });

  it("lets the link expire", async () => {
    clock.advance(RECOVER_INTERVAL_MS + 1000);
    assert.equal((await ask("hana")).status, 303);
    const path = linkIn(await recoveryMail("hana"), "/main/recover/");
    const b = new Browser(server.url);
    await b.page(path);
    clock.advance(RECOVER_TTL_MS + 1000);
    const late = await b.submit(path, { password: NEW_PASSWORD, repeat: NEW_PASSWORD });
    assert.equal(late.status, 400);
    assert.match(late.text, /id="recover-code-invalid"/);
    assert.equal((await login("hana", PASSWORD)).status, 303, "the password is unchanged");
  });

  it("refuses a form without the session's CSRF token", async () => {
    const r = await fetch(`${server.url}/main/recover`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "identifier=gus", redirect: "manual" });
    assert.equal(r.status, 403);
  });

  it("throttles requests per client address (429)", async () => {
    clock.advance(2 * RECOVER_TTL_MS);
    const statuses: number[] = [];
    for (let i = 0; i <= RECOVER_PER_ADDRESS; i++) statuses.push((await ask(`nobody-${i}`)).status);
    assert.deepEqual(statuses, [...Array(RECOVER_PER_ADDRESS).fill(303), 429]);
  });
});

describe("recovery without smtpserver", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("has no recover pages and no link to them", async () => {
    assert.equal((await new Browser(server.url).get("/main/recover")).status, 404);
    assert.doesNotMatch(await new Browser(server.url).page("/main/login"), /Forgot your password/);
  });
});
