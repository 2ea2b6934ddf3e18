// The admin tools beside a running bin/pump on PostgreSQL: configured only
// through PUMPIO_* variables (as in a container), the server sees the
// changes at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { freshDatabase, skipPostgres } from "../support/postgres";
import { Browser, PASSWORD } from "../web/support";
import { runTool, startSite } from "./admin-tools-support";

const NEW_PASSWORD = "pg*new*password7";

async function webLoginStatus(base: string, nickname: string, password: string): Promise<number> {
  const browser = new Browser(base);
  await browser.page("/main/login");
  return (await browser.submit("/main/login", { nickname, password })).status;
}

test("pump-set-password and pump-accounts on PostgreSQL, configured by PUMPIO_* variables", { skip: skipPostgres }, async (t) => {
  const db = await freshDatabase("admin");
  t.after(() => db.drop());
  const site = await startSite({ driver: "postgresql", params: { url: db.url } });
  t.after(async () => {
    await site.stop();
    rmSync(site.dir, { recursive: true, force: true });
  });
  const client = await registerClient(site.url);
  const frank = await registerUser(site.url, client, "frank", PASSWORD);
  const frankApi = userCreds(client, frank.token);
  // The same site as the server's config file says, but given as the environment.
  const env = { PUMPIO_DRIVER: "postgresql", PUMPIO_PARAMS__URL: db.url, PUMPIO_HOSTNAME: "127.0.0.1", PUMPIO_PORT: new URL(site.url).port, PUMPIO_SECRET: "x".repeat(32) };

  const set = await runTool("pump-set-password", ["-u", "frank", "-p", NEW_PASSWORD], env);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(await webLoginStatus(site.url, "frank", NEW_PASSWORD), 303);
  assert.equal(await webLoginStatus(site.url, "frank", PASSWORD), 401);

  const off = await runTool("pump-accounts", ["disable", "frank"], env);
  assert.equal(off.code, 0, off.stderr);
  const refused = await signedRequest(site.url, frankApi, "GET", "/api/user/frank/inbox");
  assert.equal(refused.status, 403);
  assert.match(refused.body.error, /disabled/);
  const shown = await runTool("pump-accounts", ["show", "frank", "--json"], env);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(typeof JSON.parse(shown.stdout).disabled.at, "string");

  const on = await runTool("pump-accounts", ["enable", "frank"], env);
  assert.equal(on.code, 0, on.stderr);
  assert.equal((await signedRequest(site.url, frankApi, "GET", "/api/user/frank/inbox")).status, 200);
});
