#!/usr/bin/env node
// Writes the man pages (dist/man/<command>.1) from the same texts the
// commands print for --help (lib/cli/man.ts), after tsc built dist/.
// package.json "man" lists them.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { manualPages, toRoff } = require(join(root, "dist", "lib", "cli", "man.js"));
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// The date of the release, not of the build: builds stay reproducible.
const date = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString().slice(0, 10) : "";
const outdir = join(root, "dist", "man");
mkdirSync(outdir, { recursive: true });
for (const page of manualPages()) writeFileSync(join(outdir, `${page.name}.1`), toRoff(page, version, date));
