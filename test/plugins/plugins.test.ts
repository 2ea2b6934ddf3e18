// Plugins (`plugins` config key, ops.md §7), loaded by a real server over
// real HTTP: a fixture plugin that uses every hook shows each hook's effect;
// plugins that throw at load and in every hook cost log lines, never a
// failed request or a dead worker.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds, type Creds } from "../support/oauth-client";

const FIXTURES = join(__dirname, "..", "fixtures", "plugins");
const EVERY_HOOK = join(FIXTURES, "every-hook.js");
const THROWING_HOOKS = join(FIXTURES, "throwing-hooks.js");
const THROWING_AT_LOAD = join(FIXTURES, "throwing-at-load.js");

type Line = Record<string, any>;

/** A real pino logger whose JSON lines the test reads. */
function capturingLogger(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Site {
  server: TestServer;
  lines: Line[];
  alice: Creds;
  bob: Creds;
  bobId: string;
}

async function startSite(plugins: string[]): Promise<Site> {
  const { log, lines } = capturingLogger();
  const server = await startTestServer(["--plugins", JSON.stringify(plugins)], { log });
  const client = await registerClient(server.url);
  const alice = await registerUser(server.url, client, "alice", "white*rabbit");
  const bob = await registerUser(server.url, client, "bob", "white*rabbit");
  return { server, lines, alice: userCreds(client, alice.token), bob: userCreds(client, bob.token), bobId: bob.user.profile.id as string };
}

/** Alice posts a note to Bob; returns the activity id. */
async function postToBob(site: Site): Promise<string> {
  const res = await signedRequest(site.server.url, site.alice, "POST", "/api/user/alice/feed", {
    verb: "post",
    to: [{ id: site.bobId, objectType: "person" }],
    object: { objectType: "note", content: "hi Bob" },
  });
  assert.equal(res.status, 200, res.text);
  return res.body.id as string;
}

async function state(site: Site): Promise<any> {
  const res = await fetch(`${site.server.url}/every-hook/state`);
  assert.equal(res.status, 200);
  return res.json();
}

describe("a plugin that uses every hook", () => {
  let site: Site;
  before(async () => (site = await startSite([EVERY_HOOK])));
  after(() => site.server.close());

  it("initializeLog: gets its own logger, named after it", () => {
    const ready = site.lines.find((l) => l.msg === "every-hook plugin ready");
    assert.ok(ready, "the plugin's log line");
    assert.equal(ready.component, "plugin");
    assert.equal(ready.plugin, EVERY_HOOK);
    const loaded = site.lines.find((l) => l.event === "plugin-loaded");
    assert.deepEqual(loaded?.hooks, ["initializeLog", "initializeSchema", "getScript", "initializeApp", "distributeActivity", "distributeActivityToUser"]);
  });

  it("initializeSchema + initializeApp: its route stores and reads a record of the type it added", async () => {
    const s = await state(site);
    assert.equal(s.logged, true);
    assert.equal(s.sawBuiltInSchema, true);
    const res = await fetch(`${site.server.url}/every-hook/visits/v1`, { method: "POST" });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { id: "v1", at: 1 });
  });

  it("getScript: every page loads its script", async () => {
    const page = await (await fetch(`${site.server.url}/`)).text();
    assert.match(page, /<script src="\/every-hook\/script\.js" defer><\/script>/);
    const script = await fetch(`${site.server.url}/every-hook/script.js`);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /everyHook/);
  });

  it("distributeActivity and distributeActivityToUser: told of each delivered activity and each local recipient", async () => {
    const id = await postToBob(site);
    const s = await until("the plugin to hear of the delivery", async () => {
      const st = await state(site);
      return st.distributed.includes(id) && st.toUser.some((u: any) => u.activity === id && u.nickname === "bob") ? st : null;
    });
    assert.ok(s.distributed.includes(id));
  });
});

describe("plugins that throw at load and in every hook", () => {
  let site: Site;
  before(async () => (site = await startSite([THROWING_AT_LOAD, THROWING_HOOKS, EVERY_HOOK])));
  after(() => site.server.close());

  const failures = (hook: string) => site.lines.filter((l) => l.event === "plugin-hook-failed" && l.hook === hook && l.plugin === THROWING_HOOKS);

  it("a module that throws while loading is logged and left out; the others load", () => {
    const failed = site.lines.filter((l) => l.event === "plugin-load-failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.plugin, THROWING_AT_LOAD);
    assert.equal(failed[0]!.level, 50);
    assert.match(failed[0]!.err.message, /throwing-at-load fails while loading/);
    const loaded = site.lines.filter((l) => l.event === "plugin-loaded").map((l) => l.plugin);
    assert.deepEqual(loaded, [THROWING_HOOKS, EVERY_HOOK]);
  });

  it("each startup hook that throws is logged, and the built-in schema survives it (accounts work)", () => {
    for (const hook of ["initializeLog", "initializeSchema", "getScript", "initializeApp"]) {
      assert.equal(failures(hook).length, 1, hook);
      assert.match(failures(hook)[0]!.err.message, new RegExp(`throwing-hooks fails in ${hook}`));
    }
    // alice and bob were registered in before(): the user type was not broken.
  });

  it("handlers that throw, reject or pass an error at request time: logged, and the request completes normally", async () => {
    const before = failures("request").length;
    // Passes the three failing middlewares of throwing-hooks, then every-hook answers.
    const s = await state(site);
    assert.equal(s.logged, true);
    const after1 = failures("request");
    assert.equal(after1.length - before, 3);
    assert.deepEqual(after1.slice(before).map((l) => l.err.message), [
      "throwing-hooks fails in a middleware",
      "throwing-hooks fails in an async middleware",
      "throwing-hooks passes an error to next",
    ]);
    // Its throwing route: answered as if it were not there.
    const res = await fetch(`${site.server.url}/throwing/route`, { headers: { Accept: "application/json" } });
    assert.equal(res.status, 404);
    // Built-in routes never meet plugin handlers.
    const page = await fetch(`${site.server.url}/`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(await page.text(), /throwing/);
  });

  it("failing distribution hooks: logged; the post, the delivery and the other plugin are unaffected", async () => {
    const id = await postToBob(site);
    await until("the other plugin to hear of the delivery", async () => (await state(site)).distributed.includes(id));
    await until("the failures to be logged", async () =>
      failures("distributeActivity").some((l) => l.activity === id) && failures("distributeActivityToUser").filter((l) => l.activity === id).length >= 2,
    );
    await until("the note in Bob's inbox", async () => {
      const r = await signedRequest(site.server.url, site.bob, "GET", "/api/user/bob/inbox");
      assert.equal(r.status, 200);
      return (r.body.items as Array<{ id: string }>).some((i) => i.id === id);
    });
    // The worker is alive and serving.
    assert.equal((await fetch(`${site.server.url}/health/live`)).status, 200);
  });
});
