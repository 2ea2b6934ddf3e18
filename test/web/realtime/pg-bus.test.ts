/**
 * Realtime across machines over PostgreSQL LISTEN/NOTIFY (pg-bus.ts), with
 * two real driver connections to one database: what one publishes, the
 * other's subscribers get. Skipped visibly without PUMPIO_TEST_POSTGRES_URL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openBank } from "../../../lib/databank";
import { silentLogger } from "../../../lib/log";
import type { StreamUpdate } from "../../../lib/activity";
import { NOTIFY_PAYLOAD_LIMIT, PgBus, type PgNotifier } from "../../../lib/web/realtime/pg-bus";
import { freshDatabase, skipPostgres } from "../../support/postgres";

test("a fan-out's updates published together go out as a few NOTIFYs under PostgreSQL's 8000-byte limit, each delivered once", { skip: skipPostgres }, async (t) => {
  const db = await freshDatabase("pgbus");
  const sender = await openBank({ driver: "postgresql", params: { url: db.url }, schema: {} });
  const receiver = await openBank({ driver: "postgresql", params: { url: db.url }, schema: {} });
  t.after(async () => {
    await sender.disconnect();
    await receiver.disconnect();
    await db.drop();
  });
  // The sender's real driver, with the payloads it sends recorded.
  const raw = sender.raw as unknown as PgNotifier;
  const payloads: string[] = [];
  const notifier: PgNotifier = {
    notify: (channel, payload) => {
      payloads.push(payload);
      return raw.notify(channel, payload);
    },
    listen: (channel, onMessage, onError) => raw.listen(channel, onMessage, onError),
  };
  const out = new PgBus(notifier, silentLogger());
  const into = new PgBus(receiver.raw as unknown as PgNotifier, silentLogger());
  t.after(() => {
    out.close();
    into.close();
  });
  await Promise.all([out.listening(), into.listening()]);

  const activityId = "http://example.test/api/activity/fan";
  const updates: StreamUpdate[] = Array.from({ length: 2000 }, (_, i) => ({ url: `http://example.test/api/user/follower-${i}/inbox/major`, activityId, uuid: "fan" }));
  const got: StreamUpdate[] = [];
  const all = new Promise<void>((resolve) => {
    into.subscribe((u) => {
      got.push(u);
      if (got.length === updates.length) resolve();
    });
  });
  out.publishMany(updates);
  await all;
  // NOTIFYs sent on different pooled connections may arrive in either order; each update arrives once.
  const key = (u: StreamUpdate): string => u.url;
  assert.deepEqual(got.map(key).sort(), updates.map(key).sort());
  assert.ok(got.every((u) => u.activityId === activityId && u.uuid === "fan"));
  assert.ok(payloads.length > 1, "split into several NOTIFYs");
  assert.ok(payloads.length < 100, `${payloads.length} NOTIFYs for ${updates.length} updates`);
  for (const p of payloads) assert.ok(Buffer.byteLength(p) <= NOTIFY_PAYLOAD_LIMIT, `${Buffer.byteLength(p)} bytes`);
});
