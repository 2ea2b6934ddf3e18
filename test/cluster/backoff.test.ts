import { test } from "node:test";
import assert from "node:assert/strict";
import { RespawnBackoff, backoffDelay } from "../../lib/cluster/backoff";

const opts = { baseMs: 100, maxMs: 1000, resetAfterMs: 5000 };

test("the first crash respawns at once, a streak doubles the wait up to the cap", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, opts)), [0, 100, 200, 400, 800, 1000, 1000]);
});

test("a quiet period forgets the streak", () => {
  const b = new RespawnBackoff(opts);
  assert.deepEqual(b.crashed(0), { delayMs: 0, streak: 1 });
  assert.deepEqual(b.crashed(10), { delayMs: 100, streak: 2 });
  assert.deepEqual(b.crashed(4000), { delayMs: 200, streak: 3 });
  assert.deepEqual(b.crashed(4000 + 5000), { delayMs: 0, streak: 1 });
});
