// Helpers for the cluster tests: a private copy of the built tree (so a test
// can change the "code on disk"), a real bin/pump master started from it, its
// JSON log lines, and the control socket.
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import { join } from "node:path";
import { REPO_ROOT, spawnPump, type Spawned } from "../support/process";
import { freePort } from "../support/server";
import { sendControlCommand } from "../../lib/cluster/control-client";

export const SECRET = "a long random secret for the cluster tests";
export type LogLine = Record<string, unknown>;

/** A temp dir removed by `cleanup()`. */
export function tempDir(prefix = "pump-cluster-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Copies the built server (package.json, bin/, dist/, views/, public/, and
 * the data files under lib/) into
 * `dir/tree` and links node_modules, so a test can edit the code on disk
 * (version, restart epoch) without touching the repository.
 */
export function copyTree(dir: string): string {
  const tree = join(dir, "tree");
  mkdirSync(tree);
  for (const part of ["package.json", "bin", "dist", "views", "public"]) {
    const from = join(REPO_ROOT, part);
    if (existsSync(from)) cpSync(from, join(tree, part), { recursive: true });
  }
  // Data files the code reads at run time live beside the sources (e.g. lib/model/common-passwords.txt).
  cpSync(join(REPO_ROOT, "lib"), join(tree, "lib"), { recursive: true, filter: (src) => !src.endsWith(".ts") });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(tree, "node_modules"), "dir");
  return tree;
}

/** Sets the version in a tree's package.json (read by lib/version.ts at call time). */
export function setTreeVersion(tree: string, version: string): void {
  const file = join(tree, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...pkg, version }, null, 2));
}

/** Rewrites the compiled restart epoch module of a tree. */
export function setTreeEpoch(tree: string, epoch: number): void {
  const file = join(tree, "dist", "lib", "cluster", "epoch.js");
  const text = readFileSync(file, "utf8").replace(/RESTART_EPOCH = \d+/, `RESTART_EPOCH = ${epoch}`);
  writeFileSync(file, text);
}

export interface Cluster {
  pump: Spawned;
  dir: string;
  port: number;
  socket: string;
  configFile: string;
  url: string;
  /** Every JSON log line so far (master and workers share stderr). */
  logs(): LogLine[];
  /** Waits (bounded) until `count` log lines match. */
  waitForLogs(pred: (l: LogLine) => boolean, what: string, count?: number, timeoutMs?: number): Promise<LogLine[]>;
  control(line: string): Promise<string>;
  /** Pids of the workers currently serving, from the master's log. */
  workerPids(): number[];
  /** SIGTERM, and the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ClusterOptions {
  dir: string;
  /** Config keys over the defaults of the test (sqlite in dir/data, free port, socket in dir). */
  config?: Record<string, unknown>;
  /** bin/pump of a copied tree; default the repository's. */
  tree?: string;
  /** Wait for all workers to listen (default true). */
  waitRunning?: boolean;
}

export const isEvent = (event: string) => (l: LogLine) => l.event === event;

/** Starts the real bin/pump master with a config file in `dir`, and waits until all workers listen. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { dir } = opts;
  const port = (opts.config?.port as number | undefined) ?? (await freePort());
  const socket = join(dir, "pump.socket");
  const configFile = join(dir, "pump.io.json");
  writeFileSync(
    configFile,
    JSON.stringify({ secret: SECRET, hostname: "127.0.0.1", port, datadir: join(dir, "data"), controlSocket: socket, ...opts.config }),
  );
  const script = opts.tree ? join(opts.tree, "bin", "pump") : undefined;
  const pump = spawnPump(["-c", configFile], { HOME: dir }, script);
  // Parsed incrementally: a long run under load logs every request, and
  // re-parsing all of stderr on every poll would grow quadratically.
  const parsed: LogLine[] = [];
  let consumed = 0;
  const logs = () => {
    const text = pump.stderr();
    const end = text.lastIndexOf("\n") + 1;
    if (end > consumed) {
      for (const l of text.slice(consumed, end).split("\n")) {
        if (!l.startsWith("{")) continue;
        try {
          parsed.push(JSON.parse(l) as LogLine);
        } catch {
          // not a log line
        }
      }
      consumed = end;
    }
    return parsed.slice();
  };
  const waitForLogs = async (pred: (l: LogLine) => boolean, what: string, count = 1, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let exitedWith: string | null = null;
    void pump.exited.then(({ code, signal }) => (exitedWith = `code ${code}, signal ${signal}`));
    for (;;) {
      const hits = logs().filter(pred);
      if (hits.length >= count) return hits;
      if (exitedWith) throw new Error(`pump exited (${exitedWith}) before ${what}; stderr:\n${pump.stderr()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${pump.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const cluster: Cluster = {
    pump,
    dir,
    port,
    socket,
    configFile,
    url: `http://127.0.0.1:${port}`,
    logs,
    waitForLogs,
    control: (line) => sendControlCommand(socket, line),
    workerPids() {
      const live = new Set<number>();
      for (const l of logs()) {
        if (l.component !== "cluster" || typeof l.worker !== "number") continue;
        if (l.event === "worker-listening") live.add(l.worker);
        if (["worker-exit", "worker-died", "restart-step-exit", "respawn-refused"].includes(l.event as string)) live.delete(l.worker);
      }
      return [...live];
    },
    async stop() {
      if (pump.child.exitCode === null && pump.child.signalCode === null) pump.child.kill("SIGTERM");
      return pump.exited;
    },
  };
  if (opts.waitRunning ?? true) await waitForLogs(isEvent("running"), "all workers listening");
  return cluster;
}

/** Registers cleanup of a cluster and its dir on a test context. */
export function cleanupAfter(t: { after(fn: () => void | Promise<void>): void }, dir: string, cluster?: () => Cluster | undefined): void {
  t.after(async () => {
    const c = cluster?.();
    if (c && c.pump.child.exitCode === null && c.pump.child.signalCode === null) {
      c.pump.child.kill("SIGKILL");
      await c.pump.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Writes all `lines` to the control socket in one go (pipelined) and collects one reply per line. */
export function controlPipelined(socket: string, lines: string[], expectReplies = lines.length): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = net.connect(socket);
    let buffer = "";
    client.setEncoding("utf8");
    client.once("connect", () => client.write(lines.map((l) => `${l}\n`).join("")));
    client.on("data", (d: string) => {
      buffer += d;
      const replies = buffer.split("\n").slice(0, -1);
      if (replies.length >= expectReplies) {
        client.end();
        resolve(replies);
      }
    });
    client.once("error", reject);
  });
}
