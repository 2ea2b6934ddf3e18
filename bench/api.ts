/**
 * API load benchmarks (autocannon) against a real server in a child
 * process: requests/s and latency of
 *   - GET a feed of 200 notes (`/api/user/:nick/feed?count=200`, 2-legged),
 *   - GET a profile (`/api/user/:nick/profile`, 2-legged),
 *   - GET webfinger (unauthenticated),
 *   - POST a note (3-legged OAuth).
 *
 * Every OAuth request needs its own nonce and signature (the server refuses
 * replays), so each signed request is built in autocannon's per-request
 * `setupRequest` hook, which signs it with the `oauth` package's
 * `authHeader(url, token, secret, method)` (fresh nonce and timestamp each
 * call). JSON bodies are not part of an OAuth 1.0a signature, so a POST
 * only needs the header. The signing cost is on the load generator's side.
 *
 *   node dist/bench/api.js [seconds-per-endpoint]
 */
import { machineLine, measure, startBenchServer, stopBenchServer, type BenchOptions, type BenchRow } from "./bench-server";
import { oauthClient, registerClient, registerUser, clientCreds, signedRequest, userCreds, type Creds } from "../test/support/oauth-client";

export type ApiBenchOptions = BenchOptions;

/** autocannon's per-request hook: a fresh OAuth Authorization header for this method and path. */
function signer(base: string, creds: Creds, method: "GET" | "POST", urlPath: string) {
  const oa = oauthClient(base, creds.client);
  const token = creds.token?.token ?? (null as unknown as string);
  const secret = creds.token?.secret ?? (null as unknown as string);
  return (req: Record<string, any>) => {
    req.headers = { ...req.headers, Authorization: oa.authHeader(base + urlPath, token, secret, method) };
    return req;
  };
}

/** Runs the API benchmarks and returns a Markdown section with the results and the machine. */
export async function runApiBench(options: ApiBenchOptions = {}): Promise<string> {
  const duration = options.duration ?? 10;
  const connections = options.connections ?? 10;
  const { url, child } = await startBenchServer();
  try {
    const client = await registerClient(url, { application_name: "bench" });
    const user = await registerUser(url, client, "bencher", "bench*mark*2024");
    const alice = userCreds(client, user.token);
    const anon = clientCreds(client);
    const pub = [{ objectType: "collection", id: "http://activityschema.org/collection/public" }];
    for (let i = 0; i < 200; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          signedRequest(url, alice, "POST", "/api/user/bencher/feed", { verb: "post", to: pub, object: { objectType: "note", content: `note ${i + k}` } }),
        ),
      );
      const bad = answers.find((a) => a.status !== 200);
      if (bad) throw new Error(`setup post failed: ${bad.status} ${bad.text}`);
    }
    const feedPath = "/api/user/bencher/feed?count=200";
    const check = await signedRequest(url, anon, "GET", feedPath);
    if (check.status !== 200 || check.body.items.length !== 200) throw new Error(`feed not ready: ${check.status}`);

    const host = new URL(url).host;
    const common = { url, connections, duration };
    const rows: BenchRow[] = [];
    rows.push(await measure("GET feed (200 notes, 2-legged)", { ...common, requests: [{ method: "GET", path: feedPath, setupRequest: signer(url, anon, "GET", feedPath) }] }));
    const profilePath = "/api/user/bencher/profile";
    rows.push(await measure("GET profile (2-legged)", { ...common, requests: [{ method: "GET", path: profilePath, setupRequest: signer(url, anon, "GET", profilePath) }] }));
    const wf = `/.well-known/webfinger?resource=${encodeURIComponent(`acct:bencher@${host}`)}`;
    rows.push(await measure("GET webfinger", { ...common, requests: [{ method: "GET", path: wf }] }));
    const feedPost = "/api/user/bencher/feed";
    const body = JSON.stringify({ verb: "post", object: { objectType: "note", content: "benchmark note" } });
    rows.push(
      await measure("POST note (3-legged)", {
        ...common,
        requests: [{ method: "POST", path: feedPost, body, headers: { "content-type": "application/json" }, setupRequest: signer(url, alice, "POST", feedPost) }],
      }),
    );
    return report(rows, { duration, connections });
  } finally {
    await stopBenchServer(child);
  }
}

function report(rows: BenchRow[], o: { duration: number; connections: number }): string {
  const lines = [
    "## API throughput (bench/api.ts)",
    "",
    `${machineLine()} One server process (one worker, SQLite), ` +
      `autocannon in the parent process on the same machine, ${o.connections} connections, ${o.duration} s per endpoint. ` +
      "Each OAuth request carries a fresh nonce and signature (autocannon `setupRequest` + the `oauth` package's `authHeader`).",
    "",
    "| Endpoint | req/s (mean) | p50 ms | p99 ms | requests | non-2xx | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} |`),
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const seconds = Number(process.argv[2] ?? 10);
  runApiBench({ duration: Number.isFinite(seconds) && seconds > 0 ? seconds : 10 }).then(
    (md) => console.log(md),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
