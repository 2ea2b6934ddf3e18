/**
 * Local fan-out (issue 9: "one public note by a person with 10,000 local
 * followers is in every follower's inbox within 2 s on SQLite and on
 * PostgreSQL; the POST answers in under 50 ms"). Through the activity
 * engine, the function the POST route calls, with the default background
 * delivery: the post's latency is until `postActivity` resolves (activity,
 * own outbox and inbox, delivery job stored); the fan-out time is until
 * the job queue has placed the note in every follower's inbox. No HTTP,
 * so no node:http ceiling beside it. SQLite always; PostgreSQL when
 * PUMPIO_TEST_POSTGRES_URL names a server.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openBank, type Bank } from "../lib/databank";
import { createEngine } from "../lib/activity";
import { silentLogger } from "../lib/log";
import { SCHEMA } from "../lib/model/schema";
import { STREAM_TYPE } from "../lib/model/stream";
import { localProfile } from "../lib/model/user-profile";
import { UrlMaker } from "../lib/url-maker";
import { machineLine } from "./bench-server";

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 10_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 3);

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

async function measure(label: string, bank: Bank): Promise<string[]> {
  const urls = new UrlMaker({ hostname: "bench.example", urlPort: 80, urlPath: null });
  const engine = createEngine({ bank, urls, config: { site: "Bench" }, log: silentLogger() });
  const { ctx } = engine;
  await engine.afterRegister({ nickname: "alice" });
  // bob has no followers: his post, made while alice's fan-out runs, shows what a busy worker does to the POST.
  await engine.afterRegister({ nickname: "bob" });
  // Followers as registration stores their person (what delivery looks up), and alice's followers stream
  // (in that order: 50 persons stored at a time, then their ids appended at once, to set up in seconds).
  const followers = ctx.userStream("alice", "followers");
  for (let i = 0; i < FOLLOWERS; i += 50) {
    const ids = await Promise.all(
      Array.from({ length: Math.min(50, FOLLOWERS - i) }, async (_, j) => {
        const nickname = `f${i + j}`;
        return (await ctx.objects.save({ ...localProfile({ nickname }, urls), _nickname: nickname })).id as string;
      }),
    );
    await ctx.bank.appendAll(STREAM_TYPE, followers.name, ids);
  }
  await engine.queue.drain();
  const rows: string[] = [];
  for (let n = 0; n < POSTS; n++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const act = await engine.postActivity("alice", { verb: "post", object: { objectType: "note", content: `hello ${n}` }, to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }] }, null);
    const answered = ms(start);
    const during = process.hrtime.bigint();
    await engine.postActivity("bob", { verb: "post", object: { objectType: "note", content: `meanwhile ${n}` } }, null);
    const answeredDuring = ms(during);
    await engine.queue.drain();
    const delivered = ms(start);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // Every follower has it (checked after the clock stopped).
    let missing = 0;
    for (let i = 0; i < FOLLOWERS; i++) if (!(await ctx.userStream(`f${i}`, "inbox").has(act.id))) missing++;
    if (missing > 0) throw new Error(`${missing} followers lack the note`);
    process.stderr.write(
      `fanout: ${label} post ${n + 1}: answered ${answered.toFixed(1)} ms, another post during the fan-out ${answeredDuring.toFixed(1)} ms, delivered ${delivered.toFixed(0)} ms, process CPU ${cpuMs.toFixed(0)} ms\n`,
    );
    rows.push(`| ${label} | ${n + 1} | ${answered.toFixed(1)} | ${answeredDuring.toFixed(1)} | ${(delivered / 1000).toFixed(2)} | ${cpuMs.toFixed(0)} |`);
  }
  await engine.queue.close();
  return rows;
}

export async function runFanoutBench(): Promise<string> {
  const rows: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-bench-fanout-"));
  try {
    const bank = await openBank({ driver: "sqlite", params: { file: path.join(dir, "f.sqlite3") }, schema: SCHEMA });
    rows.push(...(await measure("sqlite", bank)));
    await bank.disconnect();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.PUMPIO_TEST_POSTGRES_URL;
  if (pgUrl) {
    const { Client } = await import("pg");
    const dbname = `pumpio_bench_fanout_${process.pid}`;
    const admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbname}`);
    const url = new URL(pgUrl);
    url.pathname = `/${dbname}`;
    try {
      const bank = await openBank({ driver: "postgresql", params: { url: url.toString() }, schema: SCHEMA });
      rows.push(...(await measure("postgresql", bank)));
      await bank.disconnect();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbname} WITH (FORCE)`);
      await admin.end();
    }
  }
  return [
    "## Fan-out to 10,000 local followers (bench/fanout.ts)",
    "",
    machineLine(),
    "",
    `One public note by a person with ${FOLLOWERS.toLocaleString("en")} local followers, ${POSTS === 1 ? "once" : `${POSTS} times`}, through the activity ` +
      "engine (what the POST route calls) with the default background delivery, one process. \"Answered\" is until the post " +
      "returns (activity, the poster's outbox and inbox and the delivery job stored); \"in every inbox\" is until the job " +
      "queue has placed it in all the followers' inboxes (each then checked). No HTTP, so no node:http ceiling beside it; " +
      "the OAuth check and JSON of a real POST come on top of the answer time. \"During\" is the answer time of another " +
      "user's post (no followers) made right after, while the fan-out runs in the same process. \"CPU\" is this process's " +
      "(both posts and the fan-out; the database server's is not counted).",
    "",
    "| driver | post | answered (ms) | during the fan-out (ms) | in every inbox (s) | CPU (ms) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
