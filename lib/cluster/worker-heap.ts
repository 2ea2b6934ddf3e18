/**
 * V8's young generation grows to two 16 MB semi-spaces under load (Node
 * 20's default), and a worker keeps them committed: about 32 MB of every
 * worker's RSS. A request's garbage dies young and is small, so 4 MB
 * semi-spaces (scavenged more often, each scavenge as cheap) serve the
 * same load with 24 MB less per worker.
 */
export const WORKER_SEMI_SPACE_MB = 4;

/**
 * How far the old generation may grow past what survived the last full
 * GC before the next one, in percent. On a machine with gigabytes of
 * memory V8 lets it grow up to 4× under load: a worker whose live heap is
 * ~20 MB sat at 50–60 MB of committed old space, most of it garbage (heap
 * snapshots after the HTTP benchmarks: 19 MB live), and 120–140 MB of RSS.
 * Twice the live heap (plus V8's 8 MB minimum step) keeps it at about
 * 100–110 MB for a few more full GCs (each a few ms of mostly concurrent
 * marking on that small heap). The heap's ceiling is unchanged.
 */
export const WORKER_HEAP_GROWING_PERCENT = 100;

/** The node flags a worker gets unless the operator set them (`node --max-semi-space-size=N bin/pump`). */
const DEFAULTS: Array<{ flag: string; value: number }> = [
  { flag: "max-semi-space-size", value: WORKER_SEMI_SPACE_MB },
  { flag: "heap-growing-percent", value: WORKER_HEAP_GROWING_PERCENT },
];

/**
 * The node flags a worker is forked with: the master's own, plus a bounded
 * young generation and old-generation growth for each the operator did
 * not choose (V8 reads `-` and `_` alike in flag names).
 */
export function workerExecArgv(masterExecArgv: readonly string[]): string[] {
  const argv = [...masterExecArgv];
  for (const { flag, value } of DEFAULTS) {
    const pattern = new RegExp(`^--${flag.replace(/-/g, "[-_]")}(=|$)`);
    if (!masterExecArgv.some((a) => pattern.test(a))) argv.push(`--${flag}=${value}`);
  }
  return argv;
}
