import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { ConfigError, loadConfig, type LoadOptions, type LoadResult } from "../../lib/config";

/** A secret long enough to pass validation without warnings. */
export const GOOD_SECRET = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c1e";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file ends. */
export function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "pump-config-test-"));
  dirs.push(d);
  return d;
}

/** Writes a config file (object → JSON, string → as is) and returns its path. */
export function writeConfig(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

/**
 * loadConfig with everything injected: no real /etc or $HOME, a non-root
 * uid without CAP_NET_BIND_SERVICE, 4 CPUs, and a valid secret in the environment unless `env` replaces it.
 */
export function load(opts: Partial<LoadOptions> = {}): LoadResult {
  const dir = opts.cwd ?? tmp();
  return loadConfig({
    argv: [],
    homeDir: null,
    etcFile: join(dir, "no-such-etc.json"),
    cwd: dir,
    getuid: () => 1000,
    canBindLowPorts: false,
    cpuCount: 4,
    ...opts,
    env: opts.env ?? { PUMPIO_SECRET: GOOD_SECRET },
  });
}

/** Asserts that fn throws a ConfigError whose message matches every pattern. */
export function throwsConfig(fn: () => unknown, ...patterns: RegExp[]): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

export interface PumpRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `node bin/pump` with a clean environment and a fresh HOME (config actions only: no server starts). */
export function runPump(args: string[], env: Record<string, string> = {}): Promise<PumpRun> {
  const root = join(__dirname, "../../..");
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, "bin", "pump"), ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmp(), ...env }, timeout: 30_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
    );
  });
}
