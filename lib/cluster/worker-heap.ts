/**
 * V8's young generation grows to two 16 MB semi-spaces under load (Node
 * 20's default), and a worker keeps them committed: about 32 MB of every
 * worker's RSS. A request's garbage dies young and is small, so 4 MB
 * semi-spaces (scavenged more often, each scavenge as cheap) serve the
 * same load with 24 MB less per worker.
 */
export const WORKER_SEMI_SPACE_MB = 4;

/**
 * The node flags a worker is forked with: the master's own, plus a bounded
 * young generation unless the operator chose one (`node
 * --max-semi-space-size=N bin/pump`).
 */
export function workerExecArgv(masterExecArgv: readonly string[]): string[] {
  const chosen = masterExecArgv.some((a) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(a));
  return chosen ? [...masterExecArgv] : [...masterExecArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
}
