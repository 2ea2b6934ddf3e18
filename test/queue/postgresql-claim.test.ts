import { test } from "node:test";
import assert from "node:assert/strict";
import { openBank, type Bank } from "../../lib/databank";
import { silentLogger } from "../../lib/log";
import { SCHEMA } from "../../lib/model/schema";
import { JobQueue } from "../../lib/queue/job-queue";
import { PgClaimer, pgQueryOf } from "../../lib/queue/pg-claim";
import { freshDatabase, skipPostgres } from "../support/postgres";

async function twoWorkers(t: { after(fn: () => Promise<void>): void }): Promise<[Bank, Bank]> {
  const db = await freshDatabase("queue");
  // Two pools on one database: what two workers (or two machines) have.
  const a = await openBank({ driver: "postgresql", params: { url: db.url }, schema: SCHEMA });
  const b = await openBank({ driver: "postgresql", params: { url: db.url }, schema: SCHEMA });
  t.after(async () => {
    await a.disconnect();
    await b.disconnect();
    await db.drop();
  });
  return [a, b];
}

test("on PostgreSQL two queues claim disjoint jobs with SKIP LOCKED, and each job runs once", { skip: skipPostgres, timeout: 120_000 }, async (t) => {
  const [a, b] = await twoWorkers(t);
  const runs = new Map<string, string[]>();
  const make = (bank: Bank, name: string) => {
    const q = new JobQueue(bank, silentLogger(), { concurrency: 25 });
    assert.ok(pgQueryOf(bank), "the PostgreSQL claim is used");
    q.handle("count", async (payload) => {
      const key = String((payload as { n: number }).n);
      runs.set(key, [...(runs.get(key) ?? []), name]);
      await new Promise((r) => setImmediate(r));
    });
    return q;
  };
  const [qa, qb] = [make(a, "a"), make(b, "b")];
  for (let n = 0; n < 100; n++) await qa.add("count", `job-${n}`, { n });
  // Both claim batches at once, again and again, until the queue is empty.
  for (let round = 0; round < 50 && (await qa.depth()) > 0; round++) {
    await Promise.all([qa.poll(), qb.poll(), qa.poll(), qb.poll()]);
    await Promise.all([qa.drain(), qb.drain()]);
  }
  assert.equal(runs.size, 100);
  assert.deepEqual([...runs.entries()].filter(([, by]) => by.length !== 1), [], "no job ran twice");
  assert.ok(new Set([...runs.values()].flat()).size >= 1);
  await Promise.all([qa.close(), qb.close()]);
});

test("on PostgreSQL one batch claim and a concurrent one never share a job; an expired claim is taken over", { skip: skipPostgres, timeout: 120_000 }, async (t) => {
  const [a, b] = await twoWorkers(t);
  const q = new JobQueue(a, silentLogger());
  for (let n = 0; n < 40; n++) await q.add("x", `job-${n}`, { n });
  let clock = 1_000_000_000_000_000;
  const now = () => clock;
  const ca = new PgClaimer(a, pgQueryOf(a)!, "worker-a", 60_000, now);
  const cb = new PgClaimer(b, pgQueryOf(b)!, "worker-b", 60_000, now);
  const [ga, gb] = await Promise.all([ca.claimDue(30, new Set(), clock, ["x"]), cb.claimDue(30, new Set(), clock, ["x"])]);
  const ids = [...ga, ...gb].map((c) => c.job.id);
  assert.equal(ids.length, 40, "between them they hold every job");
  assert.equal(new Set(ids).size, 40, "no job is held by both");
  assert.deepEqual(await ca.claimDue(10, new Set(), clock, ["x"]), [], "held jobs are not claimed again while their lease lives");
  // worker-b dies: after its lease, its jobs are claimed by worker-a.
  clock += 60_001;
  const taken = await ca.claimDue(100, new Set(), clock, ["x"]);
  assert.deepEqual(taken.map((c) => c.job.id).sort(), ids.sort(), "every claim expired, so all are claimable");
  for (const c of taken) await c.finish();
  assert.equal(await q.depth(), 0);
  await q.close();
});
