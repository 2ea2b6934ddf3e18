/**
 * `npm run bench`: runs the benchmarks and writes each one's section into
 * BENCHMARKS.md (replacing the section of the same heading, keeping the
 * others). Add a benchmark by adding an entry to BENCHMARKS below.
 *
 *   node dist/bench/run.js [name ...] [--no-write]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runApiBench } from "./api";
import { runRollingRestartBench } from "./rolling-restart";
import { runWebBench } from "./web";
import { runStreamsBench } from "./streams";
import { runFederationBench } from "./federation";

interface Benchmark {
  name: string;
  /** Resolves with a Markdown section starting with its `## ` heading line. */
  run(): Promise<string>;
}

export const BENCHMARKS: Benchmark[] = [
  { name: "rolling-restart", run: () => runRollingRestartBench() },
  { name: "api", run: () => runApiBench() },
  { name: "web", run: () => runWebBench() },
  { name: "streams", run: () => runStreamsBench() },
  { name: "federation", run: () => runFederationBench() },
];

const FILE = join(__dirname, "..", "..", "BENCHMARKS.md");
const TITLE = "# Benchmarks\n\nResults of `npm run bench` (bench/run.ts); each section says when and on what machine it was measured.\n";

/** Replaces the section with the same `## ` heading as `section`, or appends it. */
export function mergeSection(doc: string, section: string): string {
  const heading = section.split("\n", 1)[0];
  const parts = doc.split(/\n(?=## )/);
  const at = parts.findIndex((p) => p.split("\n", 1)[0] === heading);
  const body = section.trimEnd() + "\n";
  if (at >= 0) parts[at] = body;
  else parts.push(body);
  return parts.map((p) => p.trimEnd()).join("\n\n") + "\n";
}

async function main(argv: string[]): Promise<void> {
  const write = !argv.includes("--no-write");
  const names = argv.filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  for (const bench of BENCHMARKS.filter((b) => names.length === 0 || names.includes(b.name))) {
    process.stderr.write(`bench: running ${bench.name}...\n`);
    const section = await bench.run();
    process.stdout.write(`${section}\n`);
    if (write) {
      const doc = existsSync(FILE) ? readFileSync(FILE, "utf8") : TITLE;
      writeFileSync(FILE, mergeSection(doc, section));
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
