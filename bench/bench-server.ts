import { fork, type ChildProcess } from "node:child_process";
import { cpus, totalmem } from "node:os";
import path from "node:path";

/**
 * The benchmarked server, in its own process (bench/api-server.ts) so it
 * does not share an event loop with autocannon.
 */
export function startBenchServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(path.join(__dirname, "api-server.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { url: string }) => resolve({ url: m.url, child }));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

export function stopBenchServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send("stop");
  });
}

/** "Date: … Machine: N CPUs (model), X GiB RAM, Node vN." for a results section. */
export function machineLine(): string {
  const cpu = cpus();
  return (
    `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? "unknown"}), ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.`
  );
}
