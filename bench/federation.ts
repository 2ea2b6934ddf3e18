/**
 * Federation benchmark: one post by alice on server A delivered to 1,000
 * followers spread over three other servers of ours (real bin/pump
 * processes on 127.0.0.2–.5, one worker each, SQLite). Measures the time
 * from the post's answer until the last follower's inbox has it (polled),
 * and deliveries per second; also the 1,000 follows going the other way
 * (each a Dialback registration of a new person plus a delivery).
 *
 *   node dist/bench/federation.js [followers]
 */
import { rmSync } from "node:fs";
import { machineLine } from "./bench-server";
import { startPeer, user, call, post, items, type Peer, type PeerUser } from "../test/e2e/federation-support";

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFederationBench(followers = 1000): Promise<string> {
  const peers: Peer[] = [];
  try {
    for (const n of [2, 3, 4, 5]) peers.push(await startPeer(n));
    const [A, ...others] = peers as [Peer, ...Peer[]];
    const alice = await user(A, "alice");
    const nicks = Array.from({ length: followers }, (_, i) => ({ peer: others[i % others.length]!, nick: `f${i}` }));
    process.stderr.write(`bench: registering ${followers} followers...\n`);
    const people: PeerUser[] = await pool(nicks, 6, ({ peer, nick }) => user(peer, nick));

    process.stderr.write("bench: following...\n");
    const f0 = Date.now();
    await pool(people, 6, (p) => post(p, { verb: "follow", object: { id: alice.acct, objectType: "person" } }));
    for (;;) {
      const res = await call(alice, "GET", "/api/user/alice/followers?count=1");
      if (res.body.totalItems >= followers) break;
      await sleep(200);
    }
    const followSeconds = (Date.now() - f0) / 1000;

    process.stderr.write("bench: posting...\n");
    const note = await post(alice, { verb: "post", to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }], object: { objectType: "note", content: "to all my followers" } });
    const t0 = Date.now();
    // Each follower is checked until it has the post, then never again.
    let waiting = people.slice();
    while (waiting.length > 0) {
      const got = await pool(waiting, 12, async (p) => (await items(p, `/api/user/${p.nickname}/inbox?count=5`)).some((a) => a.id === note.id));
      waiting = waiting.filter((_, i) => !got[i]);
      if (waiting.length > 0) await sleep(100);
    }
    const postSeconds = (Date.now() - t0) / 1000;
    return [
      "## Federation delivery (bench/federation.ts)",
      "",
      `${machineLine()} Four bin/pump servers on 127.0.0.2–.5 (one worker each, SQLite), all on this machine. The benchmark process polls the followers' inboxes (each until it has the post), so the times include that polling.`,
      "",
      "| What | Deliveries | Time | Deliveries/s |",
      "|---|---:|---:|---:|",
      `| One public post by alice@A to ${followers} followers on 3 servers | ${followers} | ${postSeconds.toFixed(1)} s | ${(followers / postSeconds).toFixed(0)} |`,
      `| ${followers} follows of alice@A from 3 servers (each a first Dialback registration of its person at A, then the delivery) | ${followers} | ${followSeconds.toFixed(1)} s | ${(followers / followSeconds).toFixed(0)} |`,
      "",
    ].join("\n");
  } finally {
    for (const p of peers) {
      await p.cluster.stop();
      rmSync(p.dir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  runFederationBench(Number(process.argv[2] ?? 1000))
    .then((s) => process.stdout.write(`${s}\n`))
    .catch((err) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}
