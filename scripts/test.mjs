#!/usr/bin/env node
// `npm test`: runs every compiled test file (dist/test/**/*.test.js) with
// Node's test runner. Node 20 does not expand globs itself, and given a
// directory it would also run helper files, so the list is made here.
// Extra arguments narrow the run: `npm test -- api web` runs only the files
// whose path contains "api" or "web".
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "dist", "test");
const filters = process.argv.slice(2);
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".test.js"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => join(root, f));

if (files.length === 0) {
  console.error(`no test files found under ${root}${filters.length ? ` matching ${filters.join(", ")}` : ""}; run \`npm run build\` first`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
