import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The fingerprinted client script, as `public/build/manifest.json`
 * (written by scripts/build-client.mjs) names it: a path under public/,
 * e.g. `build/app.3FJQ2K.js`, or null when the bundle was not built.
 * `debug` (config `debugClient`) names the unminified one instead.
 * Read once at startup: a new bundle arrives with a new deployment.
 */
export function clientBundlePath(publicDir: string, debug = false): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(publicDir, "build", "manifest.json"), "utf8")) as Record<string, unknown>;
    const js = manifest[debug ? "app-debug.js" : "app.js"];
    return typeof js === "string" && /^build\/[\w.-]+\.js$/.test(js) ? js : null;
  } catch {
    return null;
  }
}

/** Cache lifetime of fingerprinted files: their name changes with their content. */
export const FINGERPRINTED_MAX_AGE = "365d";
