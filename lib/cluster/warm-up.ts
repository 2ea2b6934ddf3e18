import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log";

/** Rounds of the warm-up requests: enough to load and compile their code paths, little enough to start fast. */
const ROUNDS = 3;
/** A nickname no one can register (too long), so the reads find nothing and store nothing. */
const NOBODY = "warm-up-".padEnd(80, "x");

/**
 * The requests a new worker answers for itself before it listens for the
 * site: the first request of each kind pays for loading modules that are
 * required lazily, compiling its code and preparing its statements, and
 * without this the first clients of a new worker (during a rolling
 * restart: all of them at once) wait for that. Only reads that find
 * nothing: they store nothing (no session, no nonce) and need no account.
 */
function warmUpPaths(host: string): Array<{ path: string; headers?: Record<string, string> }> {
  const bogusOAuth = [
    'oauth_consumer_key="warm-up"',
    'oauth_nonce="warm-up"',
    'oauth_signature="warm-up"',
    'oauth_signature_method="HMAC-SHA1"',
    `oauth_timestamp="${Math.floor(Date.now() / 1000)}"`,
    'oauth_version="1.0"',
  ].join(", ");
  return [
    { path: "/.well-known/host-meta" },
    { path: "/.well-known/host-meta.json" },
    { path: `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${NOBODY}@${host}`)}` },
    { path: `/api/user/${NOBODY}` },
    { path: `/api/user/${NOBODY}/profile` },
    { path: `/api/user/${NOBODY}/profile`, headers: { Authorization: `OAuth ${bogusOAuth}` } },
    { path: `/api/user/${NOBODY}/feed`, headers: { Authorization: `OAuth ${bogusOAuth}` } },
  ];
}

/**
 * Runs the warm-up requests through `handler` on a private loopback port
 * (exclusive: inside a cluster worker, not the master's shared socket).
 * Never fails the start: a warm-up that goes wrong is logged and skipped.
 */
export async function warmUp(handler: http.RequestListener, host: string, log: Logger): Promise<void> {
  const server = http.createServer(handler);
  const started = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let requests = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const { path, headers } of warmUpPaths(host)) {
          await get(agent, port, path, { Host: host, "X-Request-Id": `warm-up-${++requests}`, ...headers });
        }
      }
    } finally {
      agent.destroy();
    }
    log.debug({ requests, ms: Date.now() - started }, "warmed up");
  } catch (err) {
    log.warn({ err }, "warm-up failed; serving cold");
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function get(agent: http.Agent, port: number, path: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, headers, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve());
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`warm-up request ${path} timed out`)));
    req.on("error", reject);
  });
}
