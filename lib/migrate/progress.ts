import { SingleBar, Presets } from "cli-progress";

/** Where a run reports its progress. */
export interface Progress {
  /** A phase begins with `total` items to go through. */
  start(phase: string, total: number): void;
  tick(n?: number): void;
  /** The phase ended; `summary` is its one-line result. */
  stop(summary: string): void;
  note(line: string): void;
}

/**
 * A progress bar per phase on a terminal (cli-progress, on stderr), and
 * always one summary line per phase on `out`, so logs of runs that are not
 * on a terminal still show how far it got.
 */
export function createProgress(out: NodeJS.WritableStream, opts: { bar: boolean }): Progress {
  let bar: SingleBar | null = null;
  return {
    start(phase, total) {
      if (!opts.bar) return;
      bar = new SingleBar({ format: `${phase.padEnd(10)} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
      bar.start(total, 0);
    },
    tick(n = 1) {
      bar?.increment(n);
    },
    stop(summary) {
      bar?.stop();
      bar = null;
      out.write(`${summary}\n`);
    },
    note(line) {
      out.write(`${line}\n`);
    },
  };
}
