#!/usr/bin/env node
// Bundles the browser script (public/src/main.ts) with esbuild into
// public/build/app.<hash>.js (+ source map) and writes
// public/build/manifest.json, which tells the server the fingerprinted
// name to put in the layout's <script> tag. Type-checking is done before
// this by `tsc -p public/src` (esbuild only strips types).
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "public", "build");

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: { app: join(root, "public", "src", "main.ts") },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  platform: "browser",
  minify: true,
  sourcemap: "linked",
  entryNames: "[name].[hash]",
  outdir,
  metafile: true,
  logLevel: "warning",
});

const js = Object.keys(result.metafile.outputs).find((f) => f.endsWith(".js"));
if (!js) throw new Error("esbuild produced no .js output");
const manifest = { "app.js": `build/${basename(js)}` };
writeFileSync(join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`client bundle: public/${manifest["app.js"]}`);
