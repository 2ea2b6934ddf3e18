// The running server purges expired sessions on its own, every
// `cleanupSession` ms (started with the app's services, stopped at shutdown).
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../support/server";
import { BankSessionStore, SESSION_TYPE } from "../../lib/web/session-store";

test("a running worker deletes expired sessions every cleanupSession ms", async (t) => {
  const srv = await startTestServer(["--cleanup-session", "50"]);
  t.after(() => srv.close());
  // A store whose clock is far in the past writes a session that expired long ago.
  const past = new BankSessionStore(srv.worker.bank, 60_000, () => 0);
  await past.writeSession("stale", { cookie: { originalMaxAge: 1000, expires: new Date(1000) } } as never);
  assert.ok(await srv.worker.bank.read(SESSION_TYPE, "stale"), "written");
  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      await srv.worker.bank.read(SESSION_TYPE, "stale");
    } catch {
      gone = true;
    }
  }
  assert.ok(gone, "the expired session was purged by the periodic cleanup");
});
