import { fork } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { RunnerMessage } from "./vows-runner";

export interface ConformanceOptions {
  /** A reason to skip; the test then shows as skipped, with this message. */
  skip?: string | false;
  /** Hang guard for the whole suite (ms): a driver that never calls back. */
  timeoutMs?: number;
}

interface VowResult {
  context: string;
  title: string;
  status: string;
  exception: unknown;
}
interface BatchResult {
  name: string;
  vows: VowResult[];
  ended: boolean;
}
interface SuiteRun {
  batches: BatchResult[];
  /** Vows reported outside any batch (e.g. a callback called after its batch ended). */
  strays: VowResult[];
  finished: Record<string, number> | null;
  problems: string[];
  output: string;
}

const RUNNER = path.join(__dirname, "vows-runner.js");

/**
 * Registers a node:test test that runs the published `databank-test` vows
 * suite against `driver` (after our registerDrivers()), with one subtest per
 * vows batch. Each subtest fails with the failing vows and their errors.
 * `params` is evaluated when the test runs and must be JSON-serialisable:
 * the suite runs in a child process (see vows-runner.ts for why).
 */
export function conformanceTest(
  driver: string,
  params: () => Record<string, unknown> | Promise<Record<string, unknown>>,
  options: ConformanceOptions = {},
): void {
  const title = `${driver} driver passes the databank-test conformance suite`;
  if (typeof options.skip === "string") {
    test(title, { skip: options.skip }, () => {});
    return;
  }
  test(title, async (t) => {
    const run = await runSuite(driver, await params(), options.timeoutMs ?? 120_000);
    for (const batch of run.batches) {
      await t.test(batch.name, () => {
        const failed = batch.vows.filter((v) => v.status === "broken" || v.status === "errored");
        assert.equal(failed.length, 0, `${failed.length} of ${batch.vows.length} vows failed:\n${failed.map(describe).join("\n")}`);
        assert.ok(batch.vows.length > 0 || batch.ended, "batch did not run: the suite stopped before it");
        assert.ok(batch.ended, `batch did not finish (${batch.vows.length} vows reported)\n${run.problems.join("\n")}`);
        assert.ok(batch.vows.length > 0, "batch reported no vows");
      });
    }
    const tail = run.output ? `\nchild output:\n${run.output.slice(-4000)}` : "";
    assert.deepEqual(run.problems, [], `the suite did not run cleanly${tail}`);
    assert.deepEqual(run.strays.map(describe), [], "vows reported outside their batch");
    assert.ok(run.batches.length > 0, "the suite had no batches");
    assert.ok(run.finished, `the suite did not finish${tail}`);
    assert.equal(run.finished.broken + run.finished.errored, 0, "vows failed (see subtests)");
  });
}

function describe(v: VowResult): string {
  const detail = typeof v.exception === "string" ? v.exception : JSON.stringify(v.exception);
  return `  ✗ ${v.context} › ${v.title} [${v.status}]${v.exception ? `\n      ${detail.replace(/\n/g, "\n      ")}` : ""}`;
}

/** Forks the runner and collects its messages until it exits. */
function runSuite(driver: string, params: Record<string, unknown>, timeoutMs: number): Promise<SuiteRun> {
  const run: SuiteRun = { batches: [], strays: [], finished: null, problems: [], output: "" };
  return new Promise((resolve) => {
    const child = fork(RUNNER, [JSON.stringify({ driver, params })], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: ["--enable-source-maps"],
      timeout: timeoutMs,
    });
    const collect = (chunk: Buffer): void => {
      run.output += chunk.toString("utf8");
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.on("message", (m: RunnerMessage) => {
      switch (m.kind) {
        case "batches":
          run.batches = m.names.map((name) => ({ name, vows: [], ended: false }));
          break;
        case "vow": {
          const v: VowResult = { context: m.context, title: m.title, status: m.status, exception: m.exception };
          (run.batches[m.batch]?.vows ?? run.strays).push(v);
          break;
        }
        case "batch-end":
          if (run.batches[m.batch]) run.batches[m.batch]!.ended = true;
          break;
        case "finish":
          run.finished = m.results;
          break;
        case "stalled":
          run.problems.push(
            `batch ${run.batches[m.batch]?.name ?? m.batch} stalled: callbacks never called for\n  ${m.waiting.join("\n  ")}`,
          );
          break;
        case "fatal":
          run.problems.push(m.error);
          break;
      }
    });
    child.on("error", (err) => run.problems.push(`runner process: ${err.message}`));
    child.on("close", (code, signal) => {
      if (signal) run.problems.push(`runner killed by ${signal} (hang guard: ${timeoutMs} ms)`);
      else if (code !== 0 && run.problems.length === 0) run.problems.push(`runner exited with code ${code}`);
      resolve(run);
    });
  });
}
