import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { REPO_ROOT, spawnPump } from "../support/process";
import { freePort } from "../support/server";

export const FIXTURE_DIR = join(REPO_ROOT, "test", "fixtures", "original-site");
export const MIGRATE_BIN = join(REPO_ROOT, "bin", "pump-migrate");
export const SECRET = "a long random secret for the migration tests";
export const PASSWORDS: Record<string, string> = {
  alice: "alice-wonder-2013",
  bob: "bob-builder-2013",
  carol: "carol-singer-2013",
  dave: "dave-diver-2013",
};
export const READER_APP = { client_id: "4wiWs5WkZfWU2Wy-WKKZnQ", client_secret: "UlWr0Snhsxal8IaiESrVsakeVTRc_2PdzuZgk0ua7t0" };
export const BOBS_CLIENT = { client_id: "SoUDKg96RJOdxzJGoVRjug", client_secret: "c3pDmVxDmTuYwv_KyhVhHeUSZKA_ntW_rqgpB34VLwE" };

/** `{ type: { key: value } }`, as the original's databank read them. */
export type Records = Record<string, Record<string, any>>;

export function fixtureRecords(): Records {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, "records.json"), "utf8")) as Records;
}

export function tempDir(prefix = "pump-migrate-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The old site's config file: its driver and params, hostname orig.example on port 80, optional datadir. */
export function oldConfig(dir: string, driver: string, params: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, "old-pump.io.json");
  writeFileSync(file, JSON.stringify({ driver, params, hostname: "orig.example", urlPort: 80, ...extra }));
  return file;
}

/** Our server's flags for the migrated store: the old site's hostname and urlPort, our SQLite in `datadir`. */
export function ourFlags(datadir: string): string[] {
  return ["--datadir", datadir, "--hostname", "orig.example", "--urlPort", "80", "--enableUploads", "true", "--redirectToCanonical", "false"];
}

/** Runs bin/pump-migrate as a real process to its end. */
export async function runMigrate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnPump(args, { HOME: tempDir("pump-migrate-home-"), PUMPIO_SECRET: SECRET }, MIGRATE_BIN);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** A hash of every row of our SQLite store but pump-migrate's own checkpoint. */
export function storeDigest(datadir: string): string {
  const db = new Database(join(datadir, "pumpio.sqlite3"), { readonly: true });
  try {
    const hash = createHash("sha256");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      if (!/^[ta]:/.test(name) || name.endsWith(":migratestate")) continue;
      const order = name.startsWith("a:") ? "id, pos" : "id";
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all()) hash.update(`${name}\t${JSON.stringify(row)}\n`);
    }
    return hash.digest("hex");
  } finally {
    db.close();
  }
}

/** Why the Redis tests cannot run here, or null when they can. */
export function redisMissing(): string | null {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? null : "redis-server is not installed (Debian package redis-server; .ci/run installs it)";
}

export interface RedisServer {
  port: number;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port, no persistence. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tempDir("pump-redis-")], {
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; ; i++) {
    try {
      const reply = await resp(port, [["PING"]]);
      if (reply[0] === "+PONG") break;
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Sends commands (RESP) and returns one reply line per command; errors reject. */
export function resp(port: number, commands: string[][]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let buf = "";
    sock.on("error", reject);
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      const lines = buf.split("\r\n");
      if (lines.length - 1 < commands.length) return;
      sock.end();
      const replies = lines.slice(0, commands.length);
      const bad = replies.find((l) => l.startsWith("-"));
      if (bad) reject(new Error(`redis: ${bad}`));
      else resolve(replies);
    });
    const parts: string[] = [];
    for (const cmd of commands) {
      parts.push(`*${cmd.length}\r\n`);
      for (const arg of cmd) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
    }
    sock.write(parts.join(""));
  });
}

/**
 * Loads redis-dump.txt into Redis exactly as the original left it: every
 * record a string at `<type>:<key>`, the index sets, the indices lists.
 */
export async function loadRedisDump(port: number): Promise<number> {
  const commands: string[][] = [];
  for (const line of readFileSync(join(FIXTURE_DIR, "redis-dump.txt"), "utf8").split("\n")) {
    if (line === "") continue;
    const [key, kind, ...rest] = line.split("\t") as [string, string, ...string[]];
    const value = rest.join("\t");
    if (kind === "string") commands.push(["SET", key, value]);
    else if (kind === "set") commands.push(["SADD", key, ...(JSON.parse(value) as string[])]);
    else throw new Error(`unknown redis type ${kind} for ${key}`);
  }
  for (let i = 0; i < commands.length; i += 200) await resp(port, commands.slice(i, i + 200));
  return commands.length;
}
