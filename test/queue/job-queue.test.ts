import { test } from "node:test";
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import path from "node:path";
import { once } from "node:events";
import { silentLogger } from "../../lib/log";
import { JobQueue } from "../../lib/queue/job-queue";
import { retryDelay, DEFAULT_RETRY, PermanentJobError, refusedForGood } from "../../lib/queue/retry";
import { JOB_TYPE } from "../../lib/queue/schema";
import { connect, sharedFile } from "./support";

test("two workers polling one bank run every job exactly once", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const [a, b] = [await connect(shared.file), await connect(shared.file)];
  t.after(async () => {
    await a.disconnect();
    await b.disconnect();
  });
  const runs = new Map<string, number>();
  const make = (bank: typeof a) => {
    const q = new JobQueue(bank, silentLogger(), { concurrency: 50 });
    q.handle("count", async (payload) => {
      const key = String((payload as { n: number }).n);
      runs.set(key, (runs.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, Math.random() * 5));
    });
    return q;
  };
  const [qa, qb] = [make(a), make(b)];
  for (let n = 0; n < 60; n++) await qa.add("count", `job-${n}`, { n });
  // Both "workers" recover at once, as every worker of a restarted cluster does.
  await Promise.all([qa.poll(), qb.poll(), qa.poll(), qb.poll()]);
  await Promise.all([qa.drain(), qb.drain()]);
  await Promise.all([qa.poll(), qb.poll()]);
  await Promise.all([qa.drain(), qb.drain()]);
  assert.equal(runs.size, 60);
  assert.deepEqual([...runs.values()].filter((c) => c !== 1), [], "no job ran twice");
  assert.equal(await qa.depth(), 0);
  await Promise.all([qa.close(), qb.close()]);
});

test("adding the same job id twice stores one job", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const bank = await connect(shared.file);
  t.after(() => bank.disconnect());
  const q = new JobQueue(bank, silentLogger());
  await q.add("x", "same", { v: 1 });
  const again = await q.add("x", "same", { v: 2 });
  assert.deepEqual(again.payload, { v: 1 });
  assert.equal(await q.depth(), 1);
});

test("a job held by a worker that was killed is taken over once its lease expires", { timeout: 60_000 }, async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const bank = await connect(shared.file);
  t.after(() => bank.disconnect());
  const leaseMs = 1_500;
  const q = new JobQueue(bank, silentLogger(), { leaseMs });
  let ran = 0;
  q.handle("work", async () => void ran++);
  await q.add("work", "held", {});

  const child = fork(path.join(__dirname, "crash-worker.js"), [shared.file, "held", String(leaseMs)], { stdio: "ignore" });
  const [msg] = (await once(child, "message")) as [string];
  assert.equal(msg, "claimed");
  // While the live holder renews its lease, nobody else runs the job.
  await q.runNow("held");
  assert.equal(ran, 0, "a live lease is respected");
  child.kill("SIGKILL");
  await once(child, "exit");
  // After the lease runs out (no more renewals), a poll takes it over.
  const deadline = Date.now() + 30_000;
  while (ran === 0 && Date.now() < deadline) {
    await q.poll();
    await q.drain();
    if (ran === 0) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(ran, 1);
  assert.equal(await bank.find(JOB_TYPE, "held"), null, "the finished job is gone");
  await q.close();
});

test("failures retry with exponential backoff and jitter, then park with a log line; a parked job can be retried", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const bank = await connect(shared.file);
  t.after(() => bank.disconnect());
  let clock = 1_000_000;
  const lines: { msg: string; attempts?: number }[] = [];
  const log = silentLogger();
  const capture = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ msg: `${level}: ${msg}`, attempts: obj.attempts as number });
  const spy = Object.assign(Object.create(log), { warn: capture("warn"), error: capture("error") });
  const retry = { baseDelayMs: 1_000, maxDelayMs: 4_000, maxAttempts: 4 };
  const q = new JobQueue(bank, spy, { retry, now: () => clock });
  let attempts = 0;
  q.handle("flaky", async () => {
    attempts++;
    throw new Error("peer down");
  });
  await q.add("flaky", "f", {});
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    await q.runNow("f");
    const job = await bank.find(JOB_TYPE, "f");
    if (job.state === "parked") break;
    delays.push(job.due - clock);
    // Not before it is due...
    await q.runNow("f");
    assert.equal(attempts, i + 1, "a job is not run before it is due");
    clock = job.due;
  }
  assert.equal(attempts, 4);
  const [d1, d2, d3] = delays as [number, number, number];
  assert.ok(d1 >= 500 && d1 <= 1_000, `first delay ${d1}`);
  assert.ok(d2 >= 1_000 && d2 <= 2_000, `second delay ${d2}`);
  assert.ok(d3 >= 2_000 && d3 <= 4_000, `third delay ${d3}`);
  const parked = await q.parked();
  assert.deepEqual(parked.map((j) => [j.id, j.attempts, j.lastError]), [["f", 4, "peer down"]]);
  assert.ok(lines.some((l) => /parked/.test(l.msg) && l.attempts === 4), "parking is logged");
  assert.equal(await q.depth(), 0);
  assert.equal(await q.retryParked("f"), true);
  assert.equal(await q.depth(), 1);
});

test("a failure that retrying cannot mend parks the job at once, with a log line; it can still be retried by hand", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const bank = await connect(shared.file);
  t.after(() => bank.disconnect());
  const lines: string[] = [];
  const spy = Object.assign(Object.create(silentLogger()), { warn: (_o: unknown, msg: string) => lines.push(`warn: ${msg}`), error: (_o: unknown, msg: string) => lines.push(`error: ${msg}`) });
  const q = new JobQueue(bank, spy, { retry: { baseDelayMs: 1_000, maxDelayMs: 4_000, maxAttempts: 12 } });
  let attempts = 0;
  q.handle("refused", async () => {
    attempts++;
    throw new PermanentJobError("https://peer.example/inbox answered 400: bad activity");
  });
  await q.add("refused", "r", {});
  await q.runNow("r");
  assert.equal(attempts, 1);
  const parked = await q.parked();
  assert.deepEqual(parked.map((j) => [j.id, j.attempts]), [["r", 1]]);
  assert.ok(lines.some((l) => /^error: job parked: retrying cannot mend/.test(l)), lines.join("\n"));
  assert.equal(await q.retryParked("r"), true);
  assert.equal(await q.depth(), 1);
});

test("which peer answers are refusals for good", () => {
  for (const s of [400, 403, 404, 410, 413, 422]) assert.equal(refusedForGood(s), true, String(s));
  for (const s of [200, 202, 401, 408, 425, 429, 500, 502, 503]) assert.equal(refusedForGood(s), false, String(s));
});

test("retry delays stay under the cap and are spread by jitter", () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 1_000, maxDelayMs: 10_000 };
  assert.equal(retryDelay(policy, 1, () => 0), 500);
  assert.equal(retryDelay(policy, 1, () => 1), 1_000);
  assert.equal(retryDelay(policy, 3, () => 1), 4_000);
  assert.equal(retryDelay(policy, 30, () => 1), 10_000);
  assert.equal(retryDelay(policy, 30, () => 0), 5_000);
});
