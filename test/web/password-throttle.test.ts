// One throttled password check behind every form that takes a password:
// the web login, the OAuth authorize form and the password change share one
// lock per (account, client address), kept in the bank so that every worker
// (here: two apps on one SQLite file) sees the same counters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../lib/config";
import { silentLogger } from "../../lib/log";
import { startWorker, type RunningWorker } from "../../lib/cluster/worker";
import { freePort, startTestServer, type TestServer } from "../support/server";
import { getRequestToken, plainRequest, registerClient } from "../support/oauth-client";
import { Browser, PASSWORD, registerVia } from "./support";

/** Failures of one account from one address before it is locked (lib/web/password-check.ts). */
const LIMIT = 5;

async function withServer(flags: string[], fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer(flags);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** A browser on the login page, posting from the client address `from` (an X-Forwarded-For value) if given. */
async function login(base: string, nickname: string, password: string, from?: string) {
  const b = new Browser(base);
  const headers: Record<string, string> = from ? { "X-Forwarded-For": from } : {};
  await b.request("GET", "/main/login", { headers });
  return b.request("POST", "/main/login", { form: { _csrf: b.csrf ?? "", nickname, password }, headers });
}

/** POST /oauth/authorize's login form (no web session: the plain client of a desktop app). */
async function authorizeLogin(base: string, token: string, username: string, password: string) {
  return plainRequest(base, "POST", "/oauth/authorize", { oauth_token: token, username, password });
}

function assertLocked(res: { status: number; headers: Headers | Record<string, unknown> }): void {
  assert.equal(res.status, 429);
  const retry = res.headers instanceof Headers ? res.headers.get("retry-after") : res.headers["retry-after"];
  assert.ok(Number(retry) > 0, `Retry-After: ${String(retry)}`);
}

test("failures on the OAuth authorize form lock the account there, even for the right password", async () => {
  await withServer([], async (server) => {
    const owner = new Browser(server.url);
    await registerVia(owner, "alice");
    const client = await registerClient(server.url, { application_name: "Guesser" });
    const rt = await getRequestToken(server.url, client, { callback: "oob" });
    for (let i = 0; i < LIMIT; i++) {
      const r = await authorizeLogin(server.url, rt.token, "alice", `guess-${i}`);
      assert.equal(r.status, 400, `attempt ${i}`);
      assert.match(r.text, /Incorrect username or password/);
    }
    const locked = await authorizeLogin(server.url, rt.token, "alice", PASSWORD);
    assertLocked(locked);
    assert.match(locked.text, /Too many failed login attempts/);
    // The same lock holds on the web login: one counter for every form.
    const web = await login(server.url, "alice", PASSWORD);
    assertLocked(web);
  });
});

test("failures on the web login lock the OAuth authorize form and the password change too", async () => {
  await withServer([], async (server) => {
    const owner = new Browser(server.url);
    await registerVia(owner, "bea");
    for (let i = 0; i < LIMIT; i++) assert.equal((await login(server.url, "bea", `guess-${i}`)).status, 401);
    const client = await registerClient(server.url, { application_name: "Guesser" });
    const rt = await getRequestToken(server.url, client, { callback: "oob" });
    assertLocked(await authorizeLogin(server.url, rt.token, "bea", PASSWORD));
    const change = await owner.submit("/main/account", { old: PASSWORD, password: "new*password*1", repeat: "new*password*1" });
    assertLocked(change);
    assert.match(change.text, /Too many failed login attempts/);
  });
});

test("the password change form is throttled: wrong current passwords lock it, JSON callers get JSON", async () => {
  await withServer([], async (server) => {
    const b = new Browser(server.url);
    await registerVia(b, "cora");
    for (let i = 0; i < LIMIT; i++) {
      const r = await b.submit("/main/account", { old: `guess-${i}`, password: "new*password*1", repeat: "new*password*1" });
      assert.equal(r.status, 400, `attempt ${i}`);
    }
    const html = await b.submit("/main/account", { old: PASSWORD, password: "new*password*1", repeat: "new*password*1" });
    assertLocked(html);
    assert.match(String(html.headers.get("content-type")), /^text\/html/);
    const json = await b.request("POST", "/main/account", {
      json: { _csrf: b.csrf, old: PASSWORD, password: "new*password*1", repeat: "new*password*1" },
      headers: { Accept: "application/json" },
    });
    assertLocked(json);
    assert.match(JSON.parse(json.text).error, /Too many failed login attempts/);
  });
});

test("X-Forwarded-For is the client address only with trustProxy: a lock from one address does not lock another", async () => {
  await withServer(["--trust-proxy", "loopback"], async (server) => {
    await registerVia(new Browser(server.url), "dora");
    for (let i = 0; i < LIMIT; i++) assert.equal((await login(server.url, "dora", `guess-${i}`, "203.0.113.7")).status, 401);
    assertLocked(await login(server.url, "dora", PASSWORD, "203.0.113.7"));
    // dora at home, behind the same proxy, is not locked out by the attacker.
    const home = await login(server.url, "dora", PASSWORD, "198.51.100.20");
    assert.equal(home.status, 303, home.text.slice(0, 300));
  });
  // Without trustProxy the header is ignored (anyone could send it): the lock is on the peer address.
  await withServer([], async (server) => {
    await registerVia(new Browser(server.url), "edna");
    for (let i = 0; i < LIMIT; i++) assert.equal((await login(server.url, "edna", `guess-${i}`, "203.0.113.7")).status, 401);
    assertLocked(await login(server.url, "edna", PASSWORD, "198.51.100.20"));
  });
});

test("concurrent guesses through two apps on one SQLite file: exactly the limit is checked, the rest are locked", async () => {
  const datadir = mkdtempSync(join(tmpdir(), "pump-throttle-"));
  const workers: RunningWorker[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const { config } = loadConfig({
        argv: ["--hostname", "127.0.0.1", "--address", "127.0.0.1", "--port", String(port), "--datadir", datadir,
          "--secret", "test secret that is long enough to pass", "--controlSocket", join(datadir, `pump${i}.socket`),
          "--redirectToCanonical", "false"],
        env: {},
        homeDir: null,
        etcFile: join(datadir, "no-such-etc-file.json"),
        cwd: datadir,
      });
      workers.push(await startWorker(config, silentLogger()));
    }
    const bases = workers.map((w) => `http://127.0.0.1:${w.port}`);
    await registerVia(new Browser(bases[0]), "fay");
    // Every browser has its form first, so the posts really run side by side.
    const browsers = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const b = new Browser(bases[i % 2]);
        await b.get("/main/login");
        return b;
      }),
    );
    const answers = await Promise.all(browsers.map((b, i) => b.request("POST", "/main/login", { form: { _csrf: b.csrf ?? "", nickname: "fay", password: `guess-${i}` } })));
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(statuses.filter((s) => s === 401).length, LIMIT, `statuses: ${statuses.join(",")}`);
    assert.equal(statuses.filter((s) => s === 429).length, 16 - LIMIT, `statuses: ${statuses.join(",")}`);
    // And the lock holds on both apps, for the right password too.
    for (const base of bases) assertLocked(await login(base, "fay", PASSWORD));
  } finally {
    for (const w of workers) await w.close(1000);
    rmSync(datadir, { recursive: true, force: true });
  }
});
