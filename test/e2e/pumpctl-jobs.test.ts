// `pumpctl jobs` against a live master: parked jobs listed through the
// control socket, and put back in the queue one by one or all at once,
// where the workers then run them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { openBank, type Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";
import type { Job } from "../../lib/queue/job";
import { JOB_TYPE } from "../../lib/queue/schema";
import { REPO_ROOT } from "../support/process";
import { cleanupAfter, startCluster, tempDir, type Cluster } from "../cluster/support";

const PUMPCTL = join(REPO_ROOT, "bin", "pumpctl");

function pumpctl(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [PUMPCTL, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A job that gave up: a distribution of an activity (unknown here, so a retry just finishes it). */
function parked(id: string, parkedAt: number): Job {
  return { id, kind: "distribute", payload: { activity: `http://127.0.0.1/api/activity/${id}` }, state: "parked", due: parkedAt, attempts: 12, nextClaim: 12, enqueued: parkedAt - 1000, lastError: "connect ECONNREFUSED 127.0.0.1:9", parkedAt };
}

async function jobIds(bank: Bank): Promise<string[]> {
  const ids: string[] = [];
  await bank.scan<Job>(JOB_TYPE, (j) => ids.push(j.id));
  return ids.sort();
}

/** Polls (bounded) until `check` holds: the workers run retried jobs on their next poll. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("pumpctl jobs lists parked jobs and puts them back in the queue", { timeout: 180_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  const file = join(dir, "pump.sqlite3");
  const bank = await openBank({ driver: "sqlite", params: { file }, schema: SCHEMA });
  t.after(() => bank.disconnect());
  await bank.create(JOB_TYPE, "distribute:one", parked("distribute:one", 1_700_000_000_000));
  await bank.create(JOB_TYPE, "distribute:two", parked("distribute:two", 1_700_000_100_000));
  cluster = await startCluster({ dir, config: { driver: "sqlite", params: { file }, children: 2 } });
  const s = ["-s", cluster.socket];

  assert.match(pumpctl("--help").stdout, /jobs retry --all/);
  const listed = pumpctl(...s, "jobs");
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.split("\n");
  assert.match(lines[0], /^KIND\s+ID\s+ATTEMPTS\s+PARKED\s+LAST ERROR$/);
  assert.match(lines[1], /^distribute\s+distribute:one\s+12\s+2023-11-14T22:13:20\.000Z\s+connect ECONNREFUSED 127\.0\.0\.1:9$/);
  assert.match(lines[2], /^distribute\s+distribute:two\s+12\s/);
  assert.match(listed.stdout, /2 parked jobs\./);

  const one = pumpctl(...s, "jobs", "retry", "distribute:one");
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^1 parked job put back in the queue\./);
  await eventually(async () => !(await jobIds(bank)).includes("distribute:one"), "a worker to run the retried job");
  assert.deepEqual(await jobIds(bank), ["distribute:two"]);

  const unknown = pumpctl(...s, "jobs", "retry", "distribute:one");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no parked job has that id/);
  assert.equal(pumpctl(...s, "jobs", "frob").code, 2, "a usage error");

  const all = pumpctl(...s, "jobs", "retry", "--all");
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^1 parked job put back/);
  await eventually(async () => (await jobIds(bank)).length === 0, "the workers to run every retried job");
  assert.equal(pumpctl(...s, "jobs").stdout, "No parked jobs.\n");
  await cluster.waitForLogs((l) => l.msg === "parked jobs put back in the queue", "the master's log line", 2);
});
