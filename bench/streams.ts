/**
 * Stream storage cost against stream length (issue: "reading the newest
 * page of a stream of 1,000,000 items costs within 1.5x of reading one of
 * 100 items; appending likewise"). A storage micro-benchmark through the
 * Stream model, not HTTP: there is no node:http ceiling to stand beside,
 * so the figure that matters is the ratio between the two lengths, measured
 * in the same run. SQLite always; PostgreSQL when PUMPIO_TEST_POSTGRES_URL
 * names a server.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openBank, type Bank } from "../lib/databank";
import { Stream } from "../lib/model/stream";
import { machineLine } from "./bench-server";

const LONG = 1_000_000;
const SHORT = 100;
const OPS = 2_000;

async function fill(bank: Bank, name: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    const k = Math.min(10_000, n - i);
    await bank.appendAll("stream", name, Array.from({ length: k }, (_, j) => `https://bench.example/api/activity/${name}-${i + j}`));
  }
}

/** Operations per second of `op`, run OPS times one after another. */
async function rate(op: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) await op(i);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return OPS / s;
}

async function measureDriver(label: string, bank: Bank): Promise<string[]> {
  await fill(bank, "short", SHORT);
  await fill(bank, "long", LONG);
  const rows: string[] = [];
  const ops: [string, (s: Stream, i: number) => Promise<unknown>][] = [
    ["newest page (20)", (s) => s.range(0, 20)],
    ["append one", (s, i) => s.add(`https://bench.example/new/${s.name}/${i}`)],
    ["count", (s) => s.count()],
    ["membership (has)", (s, i) => s.has(`https://bench.example/api/activity/${s.name}-${i % SHORT}`)],
  ];
  for (const [name, op] of ops) {
    const short = new Stream(bank, "short");
    const long = new Stream(bank, "long");
    const a = await rate((i) => op(short, i));
    const b = await rate((i) => op(long, i));
    rows.push(`| ${label} | ${name} | ${Math.round(a)} | ${Math.round(b)} | ${(a / b).toFixed(2)}× |`);
  }
  return rows;
}

export async function runStreamsBench(): Promise<string> {
  const rows: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-bench-streams-"));
  try {
    const bank = await openBank({ driver: "sqlite", params: { file: path.join(dir, "s.sqlite3") }, schema: {} });
    rows.push(...(await measureDriver("sqlite", bank)));
    await bank.disconnect();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.PUMPIO_TEST_POSTGRES_URL;
  if (pgUrl) {
    const { Client } = await import("pg");
    const dbname = `pumpio_bench_${process.pid}`;
    const admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbname}`);
    const url = new URL(pgUrl);
    url.pathname = `/${dbname}`;
    try {
      const bank = await openBank({ driver: "postgresql", params: { url: url.toString() }, schema: {} });
      rows.push(...(await measureDriver("postgresql", bank)));
      await bank.disconnect();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbname} WITH (FORCE)`);
      await admin.end();
    }
  }
  return [
    "## Stream storage against stream length (bench/streams.ts)",
    "",
    machineLine(),
    "",
    `Operations per second through \`Stream\` on a stream of ${SHORT} items and one of ${LONG.toLocaleString("en")} items, ` +
      `${OPS} operations each, one after another (no concurrency). The last column is the ${SHORT}-item rate over the ` +
      `${LONG.toLocaleString("en")}-item rate: 1.00× means length does not matter. A storage micro-benchmark, so there is no ` +
      "node:http ceiling beside it.",
    "",
    `| driver | operation | ${SHORT} items (ops/s) | ${LONG.toLocaleString("en")} items (ops/s) | cost ratio |`,
    "| --- | --- | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
