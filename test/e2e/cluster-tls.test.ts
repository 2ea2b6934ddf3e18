// HTTPS with a generated self-signed key, the HTTP -> HTTPS bounce server on
// a configurable port, and serverUser (privileges dropped after binding).
import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import http from "node:http";
import net from "node:net";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../support/server";
import { cleanupAfter, isEvent, startCluster, tempDir, type Cluster } from "../cluster/support";

const haveOpenssl = spawnSync("openssl", ["version"]).status === 0;

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const r = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return { key, cert };
}

function request(mod: typeof http | typeof https, opts: https.RequestOptions): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    mod
      .get({ host: "127.0.0.1", agent: false, ...opts }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

test("HTTPS with a self-signed key, and a bounce server answering 301 to the https URL", { skip: !haveOpenssl && "no openssl CLI", timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  const { key, cert } = selfSigned(dir);
  const bouncePort = await freePort();
  cluster = await startCluster({ dir, config: { driver: "memory", key, cert, bounce: true, bouncePort } });
  const c = cluster;
  const [listening] = await c.waitForLogs((l) => l.msg === "listening" && l.https === true, "the worker's listening line");
  assert.equal(listening.port, c.port);
  assert.equal(listening.bouncePort, bouncePort);

  const res = await request(https, { port: c.port, path: "/api/nothing", ca: readFileSync(cert) });
  assert.ok(res.status < 500);
  assert.match(res.headers["content-type"] ?? "", /^application\/json/);
  assert.match(String(res.headers.server), /^pump\.io\//);

  // The plain-HTTP port of the same server is not served in clear.
  await assert.rejects(request(http, { port: c.port, path: "/api/nothing" }));

  const bounced = await request(http, { port: bouncePort, path: "/.well-known/host-meta?x=1&y=2", headers: { Host: "evil.example" } });
  assert.equal(bounced.status, 301);
  assert.equal(bounced.headers.location, `https://127.0.0.1:${c.port}/.well-known/host-meta?x=1&y=2`);
  assert.equal(bounced.body, "");
  // An upgrade request on the bounce port is redirected like any other (it used to go unanswered).
  const upgrade = net.connect(bouncePort, "127.0.0.1");
  let answer = "";
  upgrade.on("data", (d) => (answer += d));
  upgrade.write(`GET /main/realtime HTTP/1.1\r\nHost: 127.0.0.1:${bouncePort}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
  while (!answer.includes("\r\n\r\n")) await new Promise((r) => setTimeout(r, 20));
  upgrade.destroy();
  assert.match(answer, /^HTTP\/1\.1 301 /);
  assert.equal((await c.stop()).code, 0);
});

test("a bounce port that cannot be bound stops the start with one clear message", { skip: !haveOpenssl && "no openssl CLI", timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  const { key, cert } = selfSigned(dir);
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  t.after(() => blocker.close());
  const taken = (blocker.address() as net.AddressInfo).port;
  cluster = await startCluster({ dir, config: { driver: "memory", key, cert, bounce: true, bouncePort: taken, nologger: true }, waitRunning: false });
  const { code } = await cluster.pump.exited;
  assert.equal(code, 1);
  assert.match(cluster.pump.stderr(), new RegExp(`^pump: Cannot listen on 127\\.0\\.0\\.1:${taken}: the address is already in use$`, "m"));
  assert.equal(cluster.pump.stderr().match(/^pump: /gm)?.length, 1, "said once");
});

const isRoot = process.getuid?.() === 0;
const nobody = spawnSync("getent", ["passwd", "nobody"], { encoding: "utf8" }).stdout.split(":");

test("serverUser: workers drop group and user after binding; the master stays root", { skip: (!isRoot || nobody.length < 4) && "needs root and a nobody account", timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { driver: "memory", serverUser: "nobody" } });
  const c = cluster;
  const [dropped] = await c.waitForLogs((l) => l.msg === "dropped privileges", "the privilege drop");
  assert.equal(dropped.user, "nobody");
  const [worker] = c.workerPids();
  const status = readFileSync(`/proc/${worker}/status`, "utf8");
  const ids = (field: string) => status.match(new RegExp(`^${field}:\\s+(.*)$`, "m"))![1].split(/\s+/);
  assert.deepEqual(ids("Uid"), Array(4).fill(nobody[2]), "real, effective, saved and fs uid");
  assert.deepEqual(ids("Gid"), Array(4).fill(nobody[3]));
  assert.ok(!ids("Groups").includes("0"), "no root group left");
  const master = readFileSync(`/proc/${c.pump.child.pid}/status`, "utf8");
  assert.match(master, /^Uid:\s+0\s/m);
  assert.ok((await request(http, { port: c.port, path: "/api/nothing" })).status < 500);
  assert.equal((await c.stop()).code, 0);
  assert.ok(c.logs().some(isEvent("stopped")));
});
