import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The package version, read from package.json at call time (not at import)
 * so a rolling restart picks up the version of the code now on disk.
 */
export function packageVersion(root = packageRoot()): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** The repository/package root: dist/lib/version.js lives two levels below it. */
export function packageRoot(): string {
  return join(__dirname, "..", "..");
}
