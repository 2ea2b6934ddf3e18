/**
 * HTTP benchmarks against a real `bin/pump` cluster (SQLite, 2 workers),
 * each row beside the ceiling: the same bytes answered by a bare
 * `node:http` server with as many workers (bench/ceiling-server.ts),
 * measured in the same run with the same autocannon settings and the same
 * request headers (OAuth signing costs the load generator the same on
 * both sides).
 *
 * Rows: POST a note (3-legged), GET a feed of 20 notes (2-legged: another
 * user's 200 public notes), GET a profile (2-legged), GET webfinger; then the
 * first poster's feed for an anonymous viewer (its 20 public notes now under
 * the POST row's followers-only notes); then the newest inbox page and a POST
 * for a user whose inbox and outbox hold 100 items and for one whose hold
 * 1,000,000 (seeded straight through the SQLite driver, repeating real
 * activity ids); then each worker's RSS.
 *
 *   node dist/bench/http.js [seconds-per-row] [--quick] [--only=profile,webfinger]
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { openBank } from "../lib/databank";
import { DEFAULT_FILE_NAME } from "../lib/databank/sqlite";
import { streamNames } from "../lib/model/stream";
import { oauthClient, registerClient, registerUser, clientCreds, signedRequest, userCreds, type Creds } from "../test/support/oauth-client";
import { freePort } from "../test/support/server";
import { machineLine, measure, type BenchRow } from "./bench-server";
import type { CeilingAnswer } from "./ceiling-server";

export interface HttpBenchOptions {
  /** Seconds per measurement (default 10; 3 with quick). */
  duration?: number;
  connections?: number;
  /** Shorter runs and a 100,000-item long stream instead of 1,000,000. */
  quick?: boolean;
  /** Only the rows whose name contains one of these words (case-insensitive); all when empty. */
  only?: string[];
}

const WORKERS = 2;
const PUBLIC = [{ objectType: "collection", id: "http://activityschema.org/collection/public" }];

interface Cluster {
  url: string;
  child: ChildProcess;
  dir: string;
  datadir: string;
  workerPids: number[];
}

/** bin/pump with SQLite and WORKERS workers; resolves once the master logs "running". */
async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "pump-bench-http-"));
  const port = await freePort();
  const datadir = join(dir, "data");
  const configFile = join(dir, "pump.io.json");
  writeFileSync(
    configFile,
    JSON.stringify({ secret: "bench secret bench secret bench", hostname: "127.0.0.1", port, driver: "sqlite", datadir, controlSocket: join(dir, "pump.socket"), children: WORKERS, nologger: true }),
  );
  const child = spawn(process.execPath, [join(__dirname, "..", "..", "bin", "pump"), "-c", configFile], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // The log is off (a log line per request would be measured too): readiness is
  // the site answering and the master having its workers.
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bin/pump exited with ${child.exitCode}`);
    const up = await fetch(`${url}/.well-known/host-meta`).then((r) => r.ok, () => false);
    if (up && childPids(child.pid!).length >= WORKERS) break;
    if (Date.now() > deadline) throw new Error("bin/pump did not start in 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, dir, datadir, workerPids: childPids(child.pid!) };
}

/** The child processes of `pid` (the master's workers). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function stopCluster(c: Cluster): Promise<void> {
  await new Promise<void>((resolve) => {
    if (c.child.exitCode !== null) return resolve();
    c.child.once("exit", () => resolve());
    c.child.kill("SIGTERM");
  });
  rmSync(c.dir, { recursive: true, force: true });
}

/** The ceiling server over `answers`, WORKERS workers on its own port. */
async function startCeiling(answers: Record<string, CeilingAnswer>, dir: string): Promise<{ url: string; child: ChildProcess }> {
  const file = join(dir, "ceiling.json");
  writeFileSync(file, JSON.stringify(answers));
  const port = await freePort();
  const child = fork(join(__dirname, "ceiling-server.js"), [file, String(port), String(WORKERS)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** autocannon's per-request hook: a fresh OAuth header (the server refuses replayed nonces). */
function signer(base: string, creds: Creds, method: "GET" | "POST", path: string) {
  const oa = oauthClient(base, creds.client);
  const token = creds.token?.token ?? (null as unknown as string);
  const secret = creds.token?.secret ?? (null as unknown as string);
  return (req: Record<string, any>) => {
    req.headers = { ...req.headers, Authorization: oa.authHeader(base + path, token, secret, method) };
    return req;
  };
}

/** One endpoint: what to request, and who signs it (null: unsigned). */
interface Endpoint {
  name: string;
  method: "GET" | "POST";
  path: string;
  creds: Creds | null;
  body?: string;
}

function request(base: string, e: Endpoint): autocannon.Request {
  const r: autocannon.Request = { method: e.method, path: e.path };
  if (e.body !== undefined) {
    r.body = e.body;
    r.headers = { "content-type": "application/json" };
  }
  if (e.creds) r.setupRequest = signer(base, e.creds, e.method, e.path) as autocannon.Request["setupRequest"];
  return r;
}

/** What our server answers for `e` once, as the ceiling's bytes. */
async function answerOf(base: string, e: Endpoint): Promise<CeilingAnswer> {
  const headers: Record<string, string> = {};
  if (e.creds) headers.Authorization = oauthClient(base, e.creds.client).authHeader(base + e.path, e.creds.token?.token ?? (null as unknown as string), e.creds.token?.secret ?? (null as unknown as string), e.method);
  if (e.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + e.path, { method: e.method, headers, body: e.body });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${e.name}: ${res.status} ${body.toString()}`);
  return { type: res.headers.get("content-type") ?? "application/json", body: body.toString("base64") };
}

/** Appends `n` items to a stream through the SQLite driver, cycling through `ids`. */
async function seedStream(datadir: string, name: string, ids: string[], n: number): Promise<void> {
  const bank = await openBank({ driver: "sqlite", params: { file: join(datadir, DEFAULT_FILE_NAME) }, schema: {} });
  try {
    for (let i = 0; i < n; i += 10_000) {
      const k = Math.min(10_000, n - i);
      await bank.appendAll("stream", name, Array.from({ length: k }, (_, j) => ids[(i + j) % ids.length]));
    }
  } finally {
    await bank.disconnect();
  }
}

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface Pair {
  ours: BenchRow;
  ceiling: BenchRow | null;
}

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<string> {
  const quick = Boolean(options.quick);
  const duration = options.duration ?? (quick ? 3 : 10);
  const connections = options.connections ?? 10;
  const long = quick ? 100_000 : 1_000_000;
  const wanted = (e: { name: string }) => !options.only?.length || options.only.some((w) => e.name.toLowerCase().includes(w.toLowerCase()));
  // The stream-length rows (and their seeding) only when one of them is wanted.
  const scalingWanted = ["GET newest inbox page (20), n items", "POST note (append), n items"].some((name) => wanted({ name }));
  const cluster = await startCluster();
  let ceiling: { url: string; child: ChildProcess } | null = null;
  try {
    const { url } = cluster;
    const client = await registerClient(url, { application_name: "bench" });
    const creds: Record<string, Creds> = {};
    for (const nick of ["bencher", "reader", "short", "long"]) creds[nick] = userCreds(client, (await registerUser(url, client, nick, "bench*mark*2024")).token);
    const anon = clientCreds(client);
    // The feed row reads `reader`'s 200 public notes (the issue's data), which the
    // POST row does not grow; bencher's 20 public notes end up under the POST
    // row's notes (addressed to followers: no `to`), read by the last feed row.
    for (const [nick, n] of [["reader", 200], ["bencher", 20]] as const) {
      for (let i = 0; i < n; i++) {
        const r = await signedRequest(url, creds[nick]!, "POST", `/api/user/${nick}/feed`, { verb: "post", to: PUBLIC, object: { objectType: "note", content: `note ${i}` } });
        if (r.status !== 200) throw new Error(`setup post failed: ${r.status} ${r.text}`);
      }
    }
    // The short and long users' streams: real activities, repeated (streams do not de-duplicate).
    for (const nick of scalingWanted ? ["short", "long"] : []) {
      const r = await signedRequest(url, creds[nick]!, "POST", `/api/user/${nick}/feed`, { verb: "post", to: PUBLIC, object: { objectType: "note", content: "seed" } });
      if (r.status !== 200) throw new Error(`setup post failed: ${r.status}`);
      const inbox = await signedRequest(url, creds[nick]!, "GET", `/api/user/${nick}/inbox?count=20`);
      const ids = (inbox.body.items as { id: string }[]).map((a) => a.id);
      const size = nick === "long" ? long : 100;
      for (const kind of ["inbox", "feed"] as const) await seedStream(cluster.datadir, streamNames.user(nick, kind), ids, size - ids.length);
    }
    const host = new URL(url).host;
    const note = JSON.stringify({ verb: "post", object: { objectType: "note", content: "benchmark note" } });
    let endpoints: Endpoint[] = [
      { name: "POST note (3-legged)", method: "POST", path: "/api/user/bencher/feed", creds: creds.bencher!, body: note },
      { name: "GET feed of 20 notes (2-legged)", method: "GET", path: "/api/user/reader/feed?count=20", creds: anon },
      { name: "GET profile (2-legged)", method: "GET", path: "/api/user/bencher/profile", creds: anon },
      { name: "GET webfinger", method: "GET", path: `/.well-known/webfinger?resource=${encodeURIComponent(`acct:bencher@${host}`)}`, creds: null },
    ];
    // After the POST row: 20 public notes under the thousands it posted to followers only.
    const hidden: Endpoint = { name: "GET feed of 20 public notes under the POST row's followers-only notes (2-legged, anonymous)", method: "GET", path: "/api/user/bencher/feed?count=20", creds: anon };
    let scaling: Endpoint[] = [];
    for (const [nick, size] of [["short", 100], ["long", long]] as const) {
      scaling.push({ name: `GET newest inbox page (20), ${size.toLocaleString("en")} items`, method: "GET", path: `/api/user/${nick}/inbox?count=20`, creds: creds[nick]! });
      scaling.push({ name: `POST note (append), ${size.toLocaleString("en")} items`, method: "POST", path: `/api/user/${nick}/feed`, creds: creds[nick]!, body: note });
    }
    endpoints = endpoints.filter(wanted);
    // The stream-length rows come in pairs (the cost ratio): all of them or none.
    if (!scalingWanted) scaling = [];
    // The ceiling answers what the feed shows now; the POST answers one posted note.
    const answers: Record<string, CeilingAnswer> = {};
    for (const e of endpoints) answers[`${e.method} ${e.path}`] = await answerOf(url, e);
    ceiling = await startCeiling(answers, cluster.dir);
    const common = { connections, duration };
    const pairs: Pair[] = [];
    for (const e of endpoints) {
      const ours = await measure(e.name, { ...common, url, requests: [request(url, e)] });
      const top = await measure(e.name, { ...common, url: ceiling.url, requests: [request(ceiling.url, e)] });
      pairs.push({ ours, ceiling: top });
    }
    const hiddenRow = wanted(hidden) ? await measure(hidden.name, { ...common, url, requests: [request(url, hidden)] }) : null;
    const scaled: BenchRow[] = [];
    for (const e of scaling) scaled.push(await measure(e.name, { ...common, url, requests: [request(url, e)] }));
    const rss = cluster.workerPids.map(rssMiB);
    return report({ pairs, hiddenRow, scaled, rss, duration, connections, long, quick });
  } finally {
    if (ceiling) ceiling.child.send("stop");
    await stopCluster(cluster);
  }
}

function report(r: { pairs: Pair[]; hiddenRow: BenchRow | null; scaled: BenchRow[]; rss: (number | null)[]; duration: number; connections: number; long: number; quick: boolean }): string {
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : "n/a");
  const [shortPage, shortPost, longPage, longPost] = r.scaled;
  return [
    "## HTTP throughput beside a bare node:http ceiling (bench/http.ts)",
    "",
    `${machineLine()} A real \`bin/pump\` cluster (${WORKERS} workers, SQLite, no request log) and, on another port, ` +
      `a bare \`node:http\` server (${WORKERS} cluster workers) answering the very bytes ours answered for the same request: ` +
      `the ceiling, measured in the same run. autocannon in the parent process on the same machine, ${r.connections} connections, ` +
      `${r.duration} s per row${r.quick ? " (quick mode)" : ""}; OAuth requests carry a fresh nonce and signature each, on both sides. ` +
      "Ratio = ours / ceiling.",
    "",
    "| Request | ours req/s | ours p50 ms | ours p99 ms | ceiling req/s | ceiling p99 ms | ratio | non-2xx | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...r.pairs.map(
      ({ ours, ceiling }) =>
        `| ${ours.name} | ${ours.rps.toFixed(0)} | ${ours.p50} | ${ours.p99} | ${ceiling ? ceiling.rps.toFixed(0) : "n/a"} | ${ceiling ? ceiling.p99 : "n/a"} | ${ceiling ? ratio(ours.rps, ceiling.rps) : "n/a"} | ${ours.non2xx} | ${ours.errors} |`,
    ),
    "",
    ...(r.hiddenRow
      ? [
          `Visibility filter: ${r.hiddenRow.name}: ${r.hiddenRow.rps.toFixed(0)} req/s, p50 ${r.hiddenRow.p50} ms, p99 ${r.hiddenRow.p99} ms, ` +
            `${r.hiddenRow.requests} requests, ${r.hiddenRow.non2xx} non-2xx, ${r.hiddenRow.errors} errors (no ceiling: the answer is the same page as before the POST row).`,
          "",
        ]
      : []),
    `Stream length: the newest inbox page (3-legged, the owner) and a POST (which appends to the poster's outbox and inbox) ` +
      `for a user whose inbox and outbox hold 100 items and one whose hold ${r.long.toLocaleString("en")} ` +
      "(seeded through the SQLite driver, real activity ids repeated). Cost ratio = 100-item rate / long-stream rate (1.00× = length does not matter).",
    "",
    "| Request | req/s | p50 ms | p99 ms | non-2xx | errors |",
    "|---|---:|---:|---:|---:|---:|",
    ...r.scaled.map((s) => `| ${s.name} | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.non2xx} | ${s.errors} |`),
    "",
    `Cost ratio: newest page ${shortPage && longPage ? ratio(shortPage.rps, longPage.rps) : "n/a"}, append ${shortPost && longPost ? ratio(shortPost.rps, longPost.rps) : "n/a"}.`,
    "",
    `Worker RSS after the runs: ${r.rss.map((m) => (m === null ? "n/a" : `${m.toFixed(0)} MiB`)).join(", ")}.`,
    "",
  ].join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seconds = Number(args.find((a) => !a.startsWith("--")));
  const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",").filter(Boolean);
  runHttpBench({ quick: args.includes("--quick"), only, duration: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined }).then(
    (md) => console.log(md),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
