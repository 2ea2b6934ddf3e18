import { test } from "node:test";
import assert from "node:assert/strict";
import { HostLimiter } from "../../lib/federation/host-limiter";

/** A task that runs until released by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test("a host that hangs holds only its own slots; the others keep going; queued tasks run in order", async () => {
  const limiter = new HostLimiter(2);
  const hung = [gate(), gate(), gate()];
  const started: string[] = [];
  const dead = hung.map((g, i) => limiter.run("dead.example", async () => {
    started.push(`dead${i}`);
    await g.promise;
  }));
  const alive: string[] = [];
  for (let i = 0; i < 5; i++) await limiter.run("alive.example", async () => void alive.push(`alive${i}`));
  assert.deepEqual(alive, ["alive0", "alive1", "alive2", "alive3", "alive4"]);
  assert.deepEqual(started, ["dead0", "dead1"], "the third waits for a slot of its own host");
  hung[0]!.open();
  await dead[0];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ["dead0", "dead1", "dead2"]);
  hung[1]!.open();
  hung[2]!.open();
  await Promise.all(dead);
});

test("a failing task frees its slot and rejects with its error", async () => {
  const limiter = new HostLimiter(1);
  await assert.rejects(limiter.run("h", async () => { throw new Error("boom"); }), /boom/);
  assert.equal(await limiter.run("h", async () => 42), 42);
});
