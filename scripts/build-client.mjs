#!/usr/bin/env node
// Bundles the browser script (public/src/main.ts) with esbuild into
// public/build/app.<hash>.js (+ source map) and writes
// public/build/manifest.json, which tells the server the fingerprinted
// name to put in the layout's <script> tag. A second, unminified bundle
// (app-debug.<hash>.js) is what pages load with config `debugClient`. Type-checking is done before
// this by `tsc -p public/src` (esbuild only strips types).
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "public", "build");

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

/** Bundles main.ts as `name`, minified or not; the output's path under public/. */
async function bundle(name, minify) {
  const result = await build({
    entryPoints: { [name]: join(root, "public", "src", "main.ts") },
    bundle: true,
    format: "iife",
    target: ["es2020"],
    platform: "browser",
    minify,
    sourcemap: "linked",
    entryNames: "[name].[hash]",
    outdir,
    metafile: true,
    logLevel: "warning",
  });
  const js = Object.keys(result.metafile.outputs).find((f) => f.endsWith(".js"));
  if (!js) throw new Error("esbuild produced no .js output");
  return `build/${basename(js)}`;
}

const manifest = { "app.js": await bundle("app", true), "app-debug.js": await bundle("app-debug", false) };
writeFileSync(join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`client bundle: public/${manifest["app.js"]}`);
