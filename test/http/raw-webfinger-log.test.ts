import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../support/server";
import { createLogger } from "../../lib/log";
import { registerClient, registerUser } from "../support/oauth-client";

let server: TestServer;
let dir: string;
let logfile: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "pump-raw-webfinger-log-"));
  logfile = join(dir, "pump.log");
  server = await startTestServer([], { log: createLogger({ logfile, logLevel: "trace" }) });
  const client = await registerClient(server.url, { application_name: "raw webfinger log" });
  await registerUser(server.url, client, "alice", "alice*pass*2024");
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The log lines of request `id`, without what differs between two requests (time, duration, id). */
async function linesOf(id: string, count: number): Promise<unknown[]> {
  for (let i = 0; ; i++) {
    const lines = readFileSync(logfile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.reqId === id).map(({ time: _t, ms: _m, reqId: _r, ...rest }) => rest);
    if (mine.length >= count || i > 40) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * WebFinger answered without Express (no cookie) logs what the full stack
 * (a cookie keeps a request off the fast lane) logs: the request line, and
 * the refusal line of a 4xx.
 */
test("WebFinger without Express logs the full stack's lines", async () => {
  const host = new URL(server.url).host;
  const cases: Array<[string, number, number]> = [
    [`/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${host}`)}`, 200, 1],
    [`/.well-known/webfinger?resource=${encodeURIComponent(`acct:nobody@${host}`)}`, 404, 2],
    ["/.well-known/webfinger", 400, 2],
  ];
  for (const [i, [path, status, count]] of cases.entries()) {
    const fast = await fetch(server.url + path, { headers: { "X-Request-Id": `raw-${i}` } });
    const full = await fetch(server.url + path, { headers: { "X-Request-Id": `full-${i}`, Cookie: "unrelated=1" } });
    assert.equal(fast.status, status);
    assert.equal(full.status, status);
    await fast.arrayBuffer();
    await full.arrayBuffer();
    const fastLines = await linesOf(`raw-${i}`, count);
    assert.equal(fastLines.length, count, path);
    assert.deepEqual(fastLines, await linesOf(`full-${i}`, count), path);
  }
});
