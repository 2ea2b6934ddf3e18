// /health of a real bin/pump cluster, polled without pause while both
// restart triggers (pumpctl's RESTART on the control socket, then SIGUSR2)
// replace every worker: every answer is 200 "ok", from old and new workers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter, isEvent, startCluster, tempDir, type Cluster } from "../cluster/support";

interface Poll {
  status: number | null;
  body: { status?: string; pid?: number; checks?: { database?: { ok: boolean }; queue?: { ok: boolean; stuck: boolean } } } | null;
  error: string | null;
}

function pollHealth(url: string): { stop(): Promise<Poll[]> } {
  const polls: Poll[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`${url}/health`);
        polls.push({ status: res.status, body: (await res.json()) as Poll["body"], error: null });
      } catch (err) {
        polls.push({ status: null, body: null, error: String((err as Error).cause ?? err) });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return polls;
    },
  };
}

test("/health answers 200 throughout rolling restarts by pumpctl and by SIGUSR2", { timeout: 240_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { children: 2, driver: "sqlite" } });
  const c = cluster;
  const first = c.workerPids();
  assert.equal(first.length, 2);

  const poller = pollHealth(c.url);
  let polls: Poll[] = [];
  try {
    assert.equal(await c.control("RESTART"), "ACK");
    await c.waitForLogs(isEvent("restart-complete"), "the first restart to complete", 1, 120_000);
    const second = c.workerPids();
    c.pump.child.kill("SIGUSR2");
    await c.waitForLogs(isEvent("restart-complete"), "the second restart to complete", 2, 120_000);
    const third = c.workerPids();
    polls = await poller.stop();

    for (const pid of second) assert.ok(!first.includes(pid), "pumpctl restart replaced every worker");
    for (const pid of third) assert.ok(!second.includes(pid), "SIGUSR2 replaced every worker");
    const failed = polls.filter((p) => p.status !== 200 || p.body?.status !== "ok");
    assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${polls.length} health checks failed`);
    for (const p of polls) {
      assert.equal(p.body?.checks?.database?.ok, true);
      assert.equal(p.body?.checks?.queue?.ok, true);
      assert.equal(p.body?.checks?.queue?.stuck, false);
    }
    // Answered by the old workers, the middle generation and the last one.
    const answeredBy = new Set(polls.map((p) => p.body?.pid));
    for (const gen of [first, second, third]) assert.ok(gen.some((pid) => answeredBy.has(pid)), `a worker of ${gen} answered`);
    t.diagnostic(`${polls.length} health checks, all 200`);
  } finally {
    await poller.stop();
  }
  const live = await fetch(`${c.url}/health/live`);
  assert.equal(live.status, 200);
  assert.equal(((await live.json()) as { status: string }).status, "ok");
  assert.equal((await c.stop()).code, 0);
});
