import { test } from "node:test";
import assert from "node:assert/strict";
import { WORKER_SEMI_SPACE_MB, workerExecArgv } from "../../lib/cluster/worker-heap";

test("workers get a bounded young generation, after the master's own node flags", () => {
  assert.deepEqual(workerExecArgv([]), [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]);
  assert.deepEqual(workerExecArgv(["--enable-source-maps"]), ["--enable-source-maps", `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]);
});

test("an operator's own --max-semi-space-size is kept, not overridden", () => {
  assert.deepEqual(workerExecArgv(["--max-semi-space-size=32"]), ["--max-semi-space-size=32"]);
  assert.deepEqual(workerExecArgv(["--max_semi_space_size", "8"]), ["--max_semi_space_size", "8"]);
});
