import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { once } from "node:events";

/** Repository root (test files run from dist/test/...). */
export const REPO_ROOT = join(__dirname, "..", "..", "..");
export const PUMP_BIN = join(REPO_ROOT, "bin", "pump");

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until `predicate` holds for stderr (JSON log lines), or the process exits. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
}

/** Runs `bin/pump` (or another script) as a real process with a controlled environment. */
export function spawnPump(args: string[], env: Record<string, string>, script = PUMP_BIN): Spawned {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: Array<() => void> = [];
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => {
    err += d;
    for (const w of [...waiters]) w();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const logLines = () =>
    err
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(predicate, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = logLines().find(predicate);
          if (hit) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve(hit);
          }
        };
        waiters.push(check);
        check();
        exited.then(({ code, signal }) =>
          reject(new Error(`process exited (code ${code}, signal ${signal}) before ${what}; stderr:\n${err}`)),
        );
      });
    },
  };
}
