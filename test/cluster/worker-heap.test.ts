import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { WORKER_HEAP_GROWING_PERCENT, WORKER_SEMI_SPACE_MB, workerExecArgv } from "../../lib/cluster/worker-heap";

const SEMI = `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`;
const GROWING = `--heap-growing-percent=${WORKER_HEAP_GROWING_PERCENT}`;

test("workers get a bounded young generation and old-generation growth, after the master's own node flags", () => {
  assert.deepEqual(workerExecArgv([]), [SEMI, GROWING]);
  assert.deepEqual(workerExecArgv(["--enable-source-maps"]), ["--enable-source-maps", SEMI, GROWING]);
});

test("an operator's own --max-semi-space-size is kept, not overridden", () => {
  assert.deepEqual(workerExecArgv(["--max-semi-space-size=32"]), ["--max-semi-space-size=32", GROWING]);
  assert.deepEqual(workerExecArgv(["--max_semi_space_size", "8"]), ["--max_semi_space_size", "8", GROWING]);
});

test("an operator's own --heap-growing-percent is kept, not overridden", () => {
  assert.deepEqual(workerExecArgv(["--heap-growing-percent=300"]), ["--heap-growing-percent=300", SEMI]);
  assert.deepEqual(workerExecArgv(["--heap_growing_percent", "50"]), ["--heap_growing_percent", "50", SEMI]);
});

test("node accepts the flags a worker is forked with", () => {
  assert.equal(execFileSync(process.execPath, [...workerExecArgv([]), "-e", "process.stdout.write('ok')"], { encoding: "utf8" }), "ok");
});
