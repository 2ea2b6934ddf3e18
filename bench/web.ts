/**
 * Web UI load benchmarks (autocannon) against a real server in a child
 * process (bench/api-server.ts): requests/s and latency of the
 * server-rendered pages
 *   - the home page of a logged-in user (session cookie; 20 inbox items
 *     with their like/share/reply forms, and the minor inbox),
 *   - a profile page read anonymously, and the same page logged in.
 *
 *   node dist/bench/web.js [seconds-per-page]
 */
import { machineLine, measure, startBenchServer, stopBenchServer, type BenchOptions, type BenchRow } from "./bench-server";
import { act, registerSession } from "../test/web/realtime/support";

export type WebBenchOptions = BenchOptions;

/** Runs the web page benchmarks and returns a Markdown section with the results and the machine. */
export async function runWebBench(options: WebBenchOptions = {}): Promise<string> {
  const duration = options.duration ?? 10;
  const connections = options.connections ?? 10;
  const { url, child } = await startBenchServer();
  try {
    // Two users who follow each other, 30 notes each: both home pages show a full page (20) of items.
    const reader = await registerSession(url, "reader");
    const writer = await registerSession(url, "writer");
    const idOf = async (nick: string) =>
      ((await (await fetch(`${url}/api/user/${nick}/profile`, { headers: { Cookie: reader.cookie, Accept: "application/json" } })).json()) as { id: string }).id;
    await act(url, reader, "follow", { object: await idOf("writer"), objectType: "person" });
    await act(url, writer, "follow", { object: await idOf("reader"), objectType: "person" });
    for (let i = 0; i < 30; i++) {
      await act(url, writer, "post", { content: `Writer's note ${i}: some text to render, with a link https://example.org/${i}`, to: "public" });
      await act(url, reader, "post", { content: `Reader's note ${i}`, to: "followers" });
    }
    const page = (name: string, p: string, cookie?: string) =>
      measure(name, { url: url + p, duration, connections, headers: { Accept: "text/html", ...(cookie ? { Cookie: cookie } : {}) } });
    const rows = [
      await page("GET / (home, logged in)", "/", reader.cookie),
      await page("GET /writer (profile, anonymous)", "/writer"),
      await page("GET /writer (profile, logged in)", "/writer", reader.cookie),
    ];
    return report(rows, { duration, connections });
  } finally {
    await stopBenchServer(child);
  }
}

function report(rows: BenchRow[], o: { duration: number; connections: number }): string {
  const lines = [
    "## Web pages (bench/web.ts)",
    "",
    `${machineLine()} One server process (one worker, SQLite), ` +
      `autocannon in the parent process on the same machine, ${o.connections} connections, ${o.duration} s per page. ` +
      "Pages are server-rendered (Eta) with 20 stream items each; logged-in requests carry the session cookie (session read from the bank on every request).",
    "",
    "| Page | req/s (mean) | p50 ms | p99 ms | requests | non-2xx | errors | KiB/page |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} | ${r.kib.toFixed(1)} |`),
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const seconds = Number(process.argv[2] ?? 10);
  runWebBench({ duration: Number.isFinite(seconds) && seconds > 0 ? seconds : 10 }).then(
    (md) => console.log(md),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
