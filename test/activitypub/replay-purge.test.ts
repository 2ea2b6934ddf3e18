/**
 * Signature replay records (apseen) are purged once past the date window,
 * by one worker per period (queue/periodic.ts, as the OAuth nonce purge):
 * old records go, recent ones stay.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { openBank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import { silentLogger } from "../../lib/log";
import { REPLAY_KEEP_MS, startReplayPurge } from "../../lib/activitypub/replay-purge";

it("purges replay records older than the date window and keeps recent ones, once per period", async () => {
  const log = silentLogger();
  const bank = await openBank({ driver: "memory", params: {}, schema: SCHEMA, log });
  const now = Date.now();
  const at = (ms: number) => new Date(now - ms).toISOString();
  await bank.create("apseen", "old", { key: "old", created: at(REPLAY_KEEP_MS + 60_000) });
  await bank.create("apseen", "older", { key: "older", created: at(86_400_000) });
  await bank.create("apseen", "recent", { key: "recent", created: at(60_000) });
  const a = startReplayPurge(bank, log, 3_600_000);
  const b = startReplayPurge(bank, log, 3_600_000);
  try {
    assert.equal(await a.tick(now), 2);
    assert.equal(await b.tick(now), null, "another worker had this period");
    assert.equal(await bank.find("apseen", "old"), null);
    assert.equal(await bank.find("apseen", "older"), null);
    assert.ok(await bank.find("apseen", "recent"));
  } finally {
    a.stop();
    b.stop();
  }
});
