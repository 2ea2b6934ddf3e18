// Changing the password ends the person's other web sessions: a session
// opened with the old password (perhaps by whoever stole it) is logged out,
// the session that made the change stays in, other people's stay in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { SESSION_TYPE, type SessionRecord } from "../../lib/web/session-store";
import { Browser, PASSWORD, registerVia } from "./support";

const NEW_PASSWORD = "new*password*1";

async function loggedInAs(b: Browser): Promise<string | null> {
  return /data-nickname="([^"]+)"/.exec(await b.page("/"))?.[1] ?? null;
}

test("a password change logs out the person's other sessions and keeps the one that changed it", async () => {
  const server = await startTestServer();
  try {
    const here = new Browser(server.url);
    await registerVia(here, "gwen");
    const elsewhere = new Browser(server.url);
    await elsewhere.page("/main/login");
    assert.equal((await elsewhere.submit("/main/login", { nickname: "gwen", password: PASSWORD })).status, 303);
    const someoneElse = new Browser(server.url);
    await registerVia(someoneElse, "hugo");
    assert.equal(await loggedInAs(elsewhere), "gwen");

    // A refused change (wrong current password) ends nothing.
    const wrong = await here.submit("/main/account", { old: "not my password", password: NEW_PASSWORD, repeat: NEW_PASSWORD });
    assert.equal(wrong.status, 400);
    assert.equal(await loggedInAs(elsewhere), "gwen");

    const changed = await here.submit("/main/account", { old: PASSWORD, password: NEW_PASSWORD, repeat: NEW_PASSWORD });
    assert.equal(changed.status, 303, changed.text.slice(0, 300));

    assert.equal(await loggedInAs(here), "gwen");
    assert.equal(await loggedInAs(elsewhere), null);
    assert.equal(await loggedInAs(someoneElse), "hugo");
    // The other session is gone from the bank, not merely hidden.
    const owners: string[] = [];
    await server.worker.bank.scan<SessionRecord>(SESSION_TYPE, (rec) => {
      const user = rec?.data?.passport?.user;
      if (typeof user === "string") owners.push(user);
    });
    assert.deepEqual(owners.sort(), ["gwen", "hugo"]);
    // The cookie of the ended session does not come back to life on its next request.
    await elsewhere.get("/main/account");
    assert.equal(await loggedInAs(elsewhere), null);
  } finally {
    await server.close();
  }
});

test("a password change through the API (PUT /api/user/:nickname) logs out the person's web sessions", async () => {
  const server = await startTestServer();
  try {
    const client = await registerClient(server.url);
    const jill = await registerUser(server.url, client, "jill", PASSWORD);
    const web = new Browser(server.url);
    await web.page("/main/login");
    assert.equal((await web.submit("/main/login", { nickname: "jill", password: PASSWORD })).status, 303);
    assert.equal(await loggedInAs(web), "jill");
    const put = await signedRequest(server.url, userCreds(client, jill.token), "PUT", "/api/user/jill", { nickname: "jill", password: NEW_PASSWORD });
    assert.equal(put.status, 200, put.text);
    assert.equal(await loggedInAs(web), null);
  } finally {
    await server.close();
  }
});
