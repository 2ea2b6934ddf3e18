/**
 * Cross-worker fan-out over real IPC: three child processes with the
 * worker-side IpcBus, and this process as the master running
 * relayRealtime (lib/cluster/realtime-relay.ts) on their messages.
 */
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { relayRealtime, type RelayTarget } from "../../../lib/cluster/realtime-relay";

type Msg = Record<string, unknown>;

interface Child {
  proc: ChildProcess;
  target: RelayTarget;
  /** Realtime messages the master relayed from this child. */
  relayed: number;
  next(match: (m: Msg) => boolean): Promise<Msg>;
}

const children: Child[] = [];

function spawnChild(id: number): Promise<Child> {
  const proc = fork(join(__dirname, "bus-child.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const queue: Msg[] = [];
  let waiters: Array<{ match: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];
  const target: RelayTarget = { id, isConnected: () => proc.connected, send: (m) => proc.send(m as never) };
  proc.on("message", (raw) => {
    // The master's dispatch: realtime updates are relayed, the rest is for the test.
    if (relayRealtime(target, raw, children.map((c) => c.target))) {
      child.relayed++;
      return;
    }
    const m = raw as Msg;
    const w = waiters.find((x) => x.match(m));
    if (w) {
      waiters = waiters.filter((x) => x !== w);
      w.resolve(m);
    } else queue.push(m);
  });
  const child: Child = {
    proc,
    target,
    relayed: 0,
    next(match) {
      const i = queue.findIndex(match);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
  children.push(child);
  return child.next((m) => m.ready === true).then(() => child);
}

after(() => {
  for (const c of children) if (c.proc.connected) c.proc.send({ do: "exit" });
});

test("an update published by one worker reaches every worker exactly once", async () => {
  const [a, b, c] = await Promise.all([spawnChild(1), spawnChild(2), spawnChild(3)]);
  const update = { url: "http://example.test/api/user/alice/feed", activityId: "http://example.test/api/activity/x1", uuid: "x1" };
  a.proc.send({ do: "publish", update });
  for (const w of [a, b, c]) assert.deepEqual(await w.next((m) => "got" in m), { got: update });
  // Channel order: a relayed echo back to `a` would be counted before this answer.
  for (const w of [a, b, c]) {
    w.proc.send({ do: "count" });
    assert.deepEqual(await w.next((m) => "count" in m), { count: 1 });
  }
});

test("a fan-out's updates published together cross to the other workers in one message, each delivered once", async () => {
  const [a, b] = await Promise.all([spawnChild(4), spawnChild(5)]);
  const activityId = "http://example.test/api/activity/x2";
  const updates = Array.from({ length: 500 }, (_, i) => ({ url: `http://example.test/api/user/f${i}/inbox`, activityId, uuid: "x2" }));
  a.proc.send({ do: "publishMany", updates });
  for (const w of [a, b]) {
    const got: unknown[] = [];
    for (let i = 0; i < updates.length; i++) got.push((await w.next((m) => "got" in m)).got);
    assert.deepEqual(got, updates);
    w.proc.send({ do: "count" });
    // Workers 1-3 of the test above are still alive: what they were sent does not reach these two.
    assert.deepEqual(await w.next((m) => "count" in m), { count: updates.length });
  }
  assert.equal(a.relayed, 1);
});

test("non-realtime messages are left to the master's own dispatch", () => {
  assert.equal(relayRealtime({ id: 1 }, { msg: "listening" }, []), false);
  assert.equal(relayRealtime({ id: 1 }, { cmd: "realtime-update", update: { url: 5 } }, []), false);
  assert.equal(relayRealtime({ id: 1 }, { cmd: "realtime-update", activityId: "x", uuid: null, urls: [5] }, []), false);
});
