// GET /health of a real server: 503 with the reason while the database is
// unreachable (a real PostgreSQL that refuses the site's connections), 200
// again once it is back; 503 when a job has been due for 15 minutes and no
// worker runs it; never 503 for jobs merely waiting for a later retry.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { startTestServer } from "../support/server";
import { POSTGRES_URL, freshDatabase, skipPostgres } from "../support/postgres";
import { JobQueue } from "../../lib/queue/job-queue";
import { silentLogger } from "../../lib/log";

interface Health {
  status: string;
  checks: { database: { ok: boolean; error?: string }; queue: { ok: boolean; depth?: number; stuck?: boolean; overdueMs?: number } };
}

async function health(url: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${url}/health`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(res.headers.get("cache-control"), "no-store");
  return { status: res.status, body: (await res.json()) as Health };
}

async function until<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("/health on PostgreSQL", { skip: skipPostgres }, () => {
  it("503 naming the database while it refuses connections, 200 once it is back", { timeout: 120_000 }, async (t) => {
    const db = await freshDatabase("health");
    const name = new URL(db.url).pathname.slice(1);
    const server = await startTestServer(["--driver", "postgresql", "--params.url", db.url]);
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    t.after(async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await server.close().catch(() => undefined);
      await db.drop();
    });
    const ok = await health(server.url);
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.status, ok.body.checks.database.ok, ok.body.checks.queue.ok], ["ok", true, true]);

    // The outage: no new connections to the site's database, and the open ones cut.
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    const down = await until("/health to report the outage", async () => {
      const h = await health(server.url);
      return h.status === 503 ? h : null;
    });
    assert.equal(down.body.status, "unavailable");
    assert.equal(down.body.checks.database.ok, false);
    assert.equal(typeof down.body.checks.database.error, "string");
    // The worker itself is alive.
    assert.equal((await fetch(`${server.url}/health/live`)).status, 200);

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    const back = await until("/health to recover", async () => {
      const h = await health(server.url);
      return h.status === 200 ? h : null;
    });
    assert.equal(back.body.checks.database.ok, true);
  });
});

describe("/health and the job queue", () => {
  it("503 when a job has been due for 15 minutes and no worker runs it; 200 for jobs waiting to be retried", async (t) => {
    let clock = Date.now();
    const server = await startTestServer([], { now: () => clock });
    t.after(() => server.close());
    // A job of a kind this worker has no handler for (as a newer version's would be): it stays due, unrun.
    const other = new JobQueue(server.worker.bank, silentLogger());
    await other.add("kind-from-a-newer-version", "job-nobody-runs", {});
    const fresh = await health(server.url);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.checks.queue.depth, 1);
    assert.equal(fresh.body.checks.queue.stuck, false);

    clock += 16 * 60_000;
    const stuck = await health(server.url);
    assert.equal(stuck.status, 503);
    assert.equal(stuck.body.checks.queue.stuck, true);
    assert.ok((stuck.body.checks.queue.overdueMs ?? 0) >= 15 * 60_000);
    assert.equal(stuck.body.checks.database.ok, true);

    // The same job waiting for a retry an hour from now: not due, so not stuck.
    const job = await server.worker.bank.read("job", "job-nobody-runs");
    await server.worker.bank.save("job", "job-nobody-runs", { ...job, attempts: 3, due: clock + 60 * 60_000 });
    const waiting = await health(server.url);
    assert.equal(waiting.status, 200);
    assert.equal(waiting.body.checks.queue.depth, 1);
    assert.equal(waiting.body.checks.queue.stuck, false);
  });
});
