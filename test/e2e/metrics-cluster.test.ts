// Prometheus metrics of a real bin/pump cluster (two workers), gathered by
// the master: refused without the token on both ports; the mail queue's
// depth rises while the SMTP server holds every message (nothing can be
// sent) and falls to zero once it answers; a refused message counts as a
// delivery failure; request counts, memory and realtime come from every
// worker, summed or labelled by worker. (Mail is the queue whose delivery
// the test can stop for real today; remote delivery joins it with federation.)
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { cleanupAfter, startCluster, tempDir, type Cluster } from "../cluster/support";
import { freePort } from "../support/server";
import { registerClient, registerUser } from "../support/oauth-client";
import { Client } from "../web/realtime/support";
import { sample } from "../support/metrics";

const TOKEN = "metrics-token-for-the-cluster-test";

/** A real SMTP server whose answers the test controls: hold every message, accept, or refuse. */
async function controlledSmtp(): Promise<{ port: number; mode: "hold" | "accept" | "refuse"; accepted: number; release(): void; close(): Promise<void> }> {
  const held: Array<() => void> = [];
  const ctl = {
    port: 0,
    mode: "hold" as "hold" | "accept" | "refuse",
    accepted: 0,
    release() {
      ctl.mode = "accept";
      for (const done of held.splice(0)) done();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () => {
        const answer = () => {
          if (ctl.mode === "refuse") {
            const err = new Error("mailbox unavailable, try later") as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
            return;
          }
          ctl.accepted++;
          callback();
        };
        if (ctl.mode === "hold") held.push(answer);
        else answer();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  ctl.port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return ctl;
}

/** The value of one sample line (`name{labels} value`), or null. */
async function until<T>(what: string | (() => string), probe: () => Promise<T | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("cluster metrics: token, mail queue depth up and down, failures, per-worker numbers", { timeout: 240_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  const smtp = await controlledSmtp();
  t.after(() => smtp.close());
  const metricsPort = await freePort();
  cluster = await startCluster({
    dir,
    config: {
      children: 2,
      driver: "sqlite",
      metricsPort,
      metricsToken: TOKEN,
      smtpserver: "127.0.0.1",
      smtpport: smtp.port,
      smtpusetls: false,
      // Longer than the test: a held message waits, it does not time out.
      smtptimeout: 600_000,
    },
  });
  const c = cluster;
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const scrape = async (): Promise<string> => {
    const res = await fetch(metricsUrl, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  // No token, a wrong token: refused on the metrics port and on the main port.
  for (const url of [metricsUrl, `${c.url}/metrics`]) {
    const none = await fetch(url);
    assert.equal(none.status, 401, url);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.match(((await none.json()) as { error: string }).error, /token/);
    const wrong = await fetch(url, { headers: { Authorization: "Bearer not-the-token-at-all-really" } });
    assert.equal(wrong.status, 401, url);
  }

  // Each registration with an address sends a confirmation mail (ops.md §3).
  const client = await registerClient(c.url);
  const register = (nickname: string) => registerUser(c.url, client, nickname, "white*rabbit", { email: `${nickname}@example.test` });

  // The SMTP server holds every message: no confirmation mail can be sent.
  const mailDepth = (text: string) => sample(text, "pump_queue_depth", { queue: "mail" });
  assert.equal(mailDepth(await scrape()), 0);
  const seen: number[] = [];
  for (let i = 1; i <= 3; i++) {
    await register(`person${i}`);
    seen.push(await until(`mail depth ${i}`, async () => {
      const d = mailDepth(await scrape());
      return d !== null && d >= i ? d : null;
    }));
  }
  assert.deepEqual(seen, [1, 2, 3], "the depth rose with each message that could not be sent");
  assert.equal(smtp.accepted, 0, "nothing was sent while the SMTP server held the messages");

  // The SMTP server answers: the queue drains.
  smtp.release();
  await until("the mail queue to drain", async () => mailDepth(await scrape()) === 0);
  assert.ok(smtp.accepted >= 3, `${smtp.accepted} messages sent`);

  // A refused message is a delivery failure.
  const failuresBefore = sample(await scrape(), "pump_delivery_failures_total", { kind: "mail" });
  assert.equal(failuresBefore, 0);
  smtp.mode = "refuse";
  await register("person4");
  await until("a mail delivery failure", async () => (sample(await scrape(), "pump_delivery_failures_total", { kind: "mail" }) ?? 0) >= 1);

  // Realtime sockets, wherever the master's listener handed them: counted across workers.
  const sockets: Client[] = [];
  for (let i = 0; i < 4; i++) sockets.push(await Client.open(`ws://127.0.0.1:${c.port}/main/realtime`, { Origin: c.url }));
  await until("four realtime connections", async () => sample(await scrape(), "pump_realtime_connections") === 4);
  for (const s of sockets) s.close();
  await until("no realtime connections", async () => sample(await scrape(), "pump_realtime_connections") === 0);

  // Numbers from both workers, added up by the master.
  const text = await scrape();
  const pids = c.workerPids();
  assert.equal(pids.length, 2);
  assert.equal(sample(text, "pump_cluster_workers"), 2);
  assert.equal(sample(text, "pump_cluster_workers_reporting"), 2);
  for (const pid of pids) assert.ok((sample(text, "pump_worker_memory_bytes", { worker: String(pid), type: "rss" }) ?? 0) > 0, `rss of worker ${pid}`);
  assert.equal(sample(text, "pump_realtime_connections"), 0);
  assert.equal(sample(text, "pump_queue_depth", { queue: "jobs" }) !== null, true);
  assert.equal(sample(text, "pump_queue_parked_jobs"), 0);
  // Route patterns, never raw URLs; the four registrations, whichever worker took them.
  assert.equal(sample(text, "pump_http_request_duration_seconds_count", { method: "POST", route: "/api/users", status: "200" }), 4);
  await fetch(`${c.url}/api/user/person1/profile`);
  const later = await scrape();
  assert.ok((sample(later, "pump_http_request_duration_seconds_count", { method: "GET", route: "/api/user/:nickname/profile" }) ?? 0) >= 1);
  assert.doesNotMatch(later, /route="[^"]*person1/);

  // The same aggregate through the main port with the token.
  const main = await fetch(`${c.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(main.status, 200);
  const mainText = await main.text();
  for (const pid of pids) assert.ok(sample(mainText, "pump_worker_memory_bytes", { worker: String(pid), type: "rss" }) !== null);
  assert.equal(sample(mainText, "pump_http_request_duration_seconds_count", { method: "POST", route: "/api/users", status: "200" }), 4);

  assert.equal((await c.stop()).code, 0);
});
