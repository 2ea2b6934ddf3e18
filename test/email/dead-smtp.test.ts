import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { clientCreds, registerClient, signedRequest } from "../support/oauth-client";
import { freePort, type TestServer } from "../support/server";
import { Browser, PASSWORD } from "../web/support";
import { LogSink, startEmailServer } from "./support";

describe("a dead SMTP server", () => {
  let server: TestServer;
  const log = new LogSink();

  before(async () => {
    // A port nothing listens on: every connection is refused.
    server = await startEmailServer({ port: await freePort() }, ["--requireEmail", "true"], { log: log.logger });
  });
  after(() => server.close());

  it("costs a log line, never a failed request", async () => {
    const client = await registerClient(server.url, { application_name: "Dead SMTP" });
    const res = await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "ivan", password: PASSWORD, email: "ivan@example.test" });
    assert.equal(res.status, 200, res.text);

    const b = new Browser(server.url);
    await b.page("/main/register");
    const web = await b.submit("/main/register", { nickname: "jana", password: PASSWORD, repeat: PASSWORD, email: "jana@example.test" });
    assert.equal(web.status, 200, web.text.slice(0, 300));
    assert.match(web.text, /id="confirm-needed"/);

    await b.page("/main/recover");
    assert.equal((await b.submit("/main/recover", { identifier: "ivan" })).status, 303);

    for (const to of ["ivan@example.test", "jana@example.test"]) {
      const line = await log.waitFor((l) => l.component === "mail" && l.to === to && typeof l.msg === "string" && l.msg.startsWith("sending mail failed"));
      assert.equal(line.level, 50, "logged as an error");
    }
    assert.ok(!log.lines.some((l) => typeof l.status === "number" && l.status >= 500), "no 5xx answered");
  });
});
