// Durable delivery: B is down while A's people post 50 activities to B's
// people; meanwhile A does a rolling restart and one of its workers is
// killed with SIGKILL. When B comes back, every activity arrives, once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter, isEvent } from "../cluster/support";
import { call, eventually, ids, post, restartPeer, startPeer, user, type Peer, type PeerUser } from "./federation-support";

/**
 * Posts, trying again when the connection is cut (a worker killed or
 * replaced under it): only answered posts count, and an unanswered one
 * that was stored anyway is a separate activity, not counted either.
 */
async function postThroughRestart(u: PeerUser, act: Record<string, unknown>): Promise<{ id: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await call(u, "POST", `/api/user/${u.nickname}/feed`, act);
      if (res.status === 200) return res.body;
      if (attempt > 20) assert.fail(`post: ${res.status} ${res.text.slice(0, 200)}`);
    } catch (err) {
      if (attempt > 20) throw err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("deliveries to a stopped server survive a rolling restart and a killed worker, and arrive exactly once", { timeout: 600_000 }, async (t) => {
  const a = await startPeer(5, { children: 2 });
  cleanupAfter(t, a.dir, () => a.cluster);
  let b: Peer = await startPeer(6);
  cleanupAfter(t, b.dir, () => b.cluster);
  t.after(async () => {
    for (const p of [a, b]) if (p.cluster.pump.child.exitCode === null) await p.cluster.stop();
  });
  const alice = await user(a, "alice");
  const erin = await user(a, "erin");
  const bob = await user(b, "bob");
  const dan = await user(b, "dan");
  // One delivery while B is up, so that A holds credentials at B (registered by Dialback).
  const first = await post(alice, { verb: "post", to: [{ id: bob.acct, objectType: "person" }], object: { objectType: "note", content: "hello before" } });
  await eventually("the first post at B", async () => ((await ids(bob, "inbox")).includes(first.id) ? true : undefined));

  const stopped = await b.cluster.stop();
  assert.equal(stopped.code, 0);

  a.cluster.pump.child.kill("SIGUSR2");
  const posted: Array<{ id: string; to: "bob" | "dan" }> = [];
  for (let i = 0; i < 50; i++) {
    const from = i % 2 === 0 ? alice : erin;
    const to = i % 3 === 0 ? dan : bob;
    const act = await postThroughRestart(from, { verb: "post", to: [{ id: to.acct, objectType: "person" }], object: { objectType: "note", content: `while B is down ${i}` } });
    posted.push({ id: act.id, to: to === dan ? "dan" : "bob" });
    if (i === 20) {
      const [victim] = a.cluster.workerPids();
      if (victim) process.kill(victim, "SIGKILL");
    }
  }
  await a.cluster.waitForLogs(isEvent("restart-complete"), "A's rolling restart", 1, 240_000);

  b = await restartPeer(b);
  const want = { bob: posted.filter((p) => p.to === "bob").map((p) => p.id), dan: posted.filter((p) => p.to === "dan").map((p) => p.id) };
  const inboxes = await eventually(
    "all 50 at B",
    async () => {
      const got = { bob: await ids(bob, "inbox"), dan: await ids(dan, "inbox") };
      return want.bob.every((id) => got.bob.includes(id)) && want.dan.every((id) => got.dan.includes(id)) ? got : undefined;
    },
    420_000,
  );
  for (const id of want.bob) assert.equal(inboxes.bob.filter((x) => x === id).length, 1, `${id} once in bob's inbox`);
  for (const id of want.dan) assert.equal(inboxes.dan.filter((x) => x === id).length, 1, `${id} once in dan's inbox`);
  assert.ok(!inboxes.bob.some((id) => want.dan.includes(id)), "nothing for dan reached bob");
});
