import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../support/server";
import { createLogger, type Logger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import { clientCreds, getAccessToken, plainRequest, registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { startOAuthServices } from "../../lib/oauth/services";
import { readClient } from "../../lib/oauth/clients";

const CONFIGURED = { client_id: "configured-client-id", client_secret: "configured-client-secret-value", title: "Configured", description: "From the config file" };

describe("configured clients and users, and what reaches the log", () => {
  let server: TestServer;
  let dir: string;
  let logfile: string;
  let log: Logger;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pump-oauth-log-"));
    logfile = join(dir, "pump.log");
    // The real logger, writing everything down to trace level to a file.
    log = createLogger({ logfile, logLevel: "trace" });
    server = await startTestServer([], { log });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates configured clients and users at startup, and they work", async () => {
    const config = {
      ...server.config,
      clients: [CONFIGURED],
      users: [{ nickname: "admin", password: "admin-password-1", tokens: [{ client_id: CONFIGURED.client_id, token: "configured-token", token_secret: "configured-token-secret" }] }],
    };
    const services = await startOAuthServices({ bank: server.worker.bank, config, urls: new UrlMaker(config), log });
    services.stop();
    const stored = await readClient(server.worker.bank, CONFIGURED.client_id);
    assert.equal(stored?.title, "Configured");
    const client = { client_id: CONFIGURED.client_id, client_secret: CONFIGURED.client_secret };
    assert.equal((await signedRequest(server.url, clientCreds(client), "GET", "/api/users")).status, 200);
    const who = await signedRequest(server.url, userCreds(client, { token: "configured-token", secret: "configured-token-secret" }), "GET", "/api/whoami");
    assert.equal(who.status, 302);
    assert.match(String(who.headers.location), /\/api\/user\/admin\/profile$/);

    // Running it again (a restart, another worker) changes nothing and does not fail.
    const again = await startOAuthServices({ bank: server.worker.bank, config, urls: new UrlMaker(config), log });
    again.stop();
    const text = readFileSync(logfile, "utf8");
    assert.match(text, /configured-client-id/, "a warning names each configured client");
  });

  it("never writes secrets, tokens or passwords to the log", async () => {
    const password = "log-test-password-9";
    const client = await registerClient(server.url);
    const reg = await registerUser(server.url, client, "logged", password);
    const at = await getAccessToken(server.url, client, "logged", password);
    await signedRequest(server.url, userCreds(client, at), "GET", "/api/whoami");
    await signedRequest(server.url, clientCreds({ ...client, client_secret: "wrong" }), "GET", "/api/users");
    await plainRequest(server.url, "POST", "/oauth/authorize", { oauth_token: "x", username: "logged", password });
    await signedRequest(server.url, clientCreds(client), "POST", "/api/users", { nickname: "bad nick", password });

    const text = readFileSync(logfile, "utf8");
    assert.ok(text.length > 0, "the log file has lines");
    for (const secret of [
      client.client_secret,
      reg.token.token,
      reg.token.secret,
      at.token,
      at.secret,
      password,
      CONFIGURED.client_secret,
      "configured-token-secret",
      "admin-password-1",
    ]) {
      assert.ok(!text.includes(secret), `the log contains a secret: ${secret.slice(0, 4)}…`);
    }
  });
});
