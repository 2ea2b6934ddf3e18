// Shared set-up of the admin tool tests: a real `bin/pump` process on a
// config file, and the tools run as real processes on the same config.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, spawnPump, type Spawned } from "../support/process";
import { freePort } from "../support/server";

export const SECRET = "a long random secret for the admin tool tests";

export interface Site {
  dir: string;
  config: string;
  url: string;
  pump: Spawned;
  stop(): Promise<void>;
}

/** Starts `bin/pump` with only the config file `dir/pump.io.json` (plus `env`). */
export async function startSite(keys: Record<string, unknown>, env: Record<string, string> = {}): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), "pump-admin-"));
  const port = await freePort();
  const config = join(dir, "pump.io.json");
  writeFileSync(
    config,
    JSON.stringify({ secret: SECRET, hostname: "127.0.0.1", port, datadir: join(dir, "data"), children: 1, controlSocket: join(dir, "pump.socket"), ...keys }),
  );
  const pump = spawnPump(["-c", config], { HOME: dir, ...env });
  await pump.waitForLog((l) => l.msg === "listening", "listening");
  return {
    dir,
    config,
    url: `http://127.0.0.1:${port}`,
    pump,
    async stop() {
      pump.child.kill("SIGTERM");
      await pump.exited;
    },
  };
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/<tool>` as a process; resolves when it exits. */
export function runTool(tool: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<ToolRun> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin", tool), ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(input ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
