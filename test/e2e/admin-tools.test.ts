// The admin tools (bin/pump-*) as real processes on the data file of a
// running `bin/pump` (SQLite): the server sees every change at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync, readFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type RegisteredUser } from "../support/oauth-client";
import { Browser, PASSWORD } from "../web/support";
import { garbage, postFile } from "../uploads/support";
import { runTool, startSite, type Site } from "./admin-tools-support";

const TOOLS = ["pump-set-password", "pump-import-email", "pump-import-collection", "pump-export", "pump-accounts"];
const NEW_PASSWORD = "brand*new*pass9";

async function webLogin(base: string, nickname: string, password: string): Promise<{ browser: Browser; status: number }> {
  const browser = new Browser(base);
  await browser.page("/main/login");
  const r = await browser.submit("/main/login", { nickname, password });
  return { browser, status: r.status };
}

async function loggedInAs(b: Browser): Promise<string | null> {
  return /data-nickname="([^"]+)"/.exec(await b.page("/"))?.[1] ?? null;
}

test("every admin tool answers --help with its usage, exit 0, without touching a database", async () => {
  for (const tool of TOOLS) {
    const r = await runTool(tool, ["--help"]);
    assert.equal(r.code, 0, `${tool}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: ${tool} `));
    assert.match(r.stdout, /-c, --config FILE/);
  }
  const bad = await runTool("pump-accounts", ["frobnicate", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});

test("set-password, import-email, accounts (disable/enable/delete), import-collection and export beside a running server", async (t) => {
  const site: Site = await startSite({ enableUploads: true });
  t.after(async () => {
    await site.stop();
    rmSync(site.dir, { recursive: true, force: true });
  });
  const cfg = ["-c", site.config];
  const client: ClientCreds = await registerClient(site.url);
  const alice: RegisteredUser = await registerUser(site.url, client, "alice", PASSWORD);
  const bob: RegisteredUser = await registerUser(site.url, client, "bob", PASSWORD);
  const aliceApi = userCreds(client, alice.token);

  await t.test("pump-set-password: the new password logs in, the old one not, and old web sessions end", async () => {
    const before = await webLogin(site.url, "alice", PASSWORD);
    assert.equal(before.status, 303);
    assert.equal(await loggedInAs(before.browser), "alice");

    const weak = await runTool("pump-set-password", [...cfg, "-u", "alice", "-p", "12345678"]);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /^pump-set-password: /);

    const r = await runTool("pump-set-password", [...cfg, "-u", "alice", "--password-file", "-"], {}, `${NEW_PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Password of alice changed; 1 web session logged out/);
    assert.equal(await loggedInAs(before.browser), null, "the session opened with the old password ended");
    assert.equal((await webLogin(site.url, "alice", PASSWORD)).status, 401);
    assert.equal((await webLogin(site.url, "alice", NEW_PASSWORD)).status, 303);
    // Apps stay authorised, as after a password change on the web.
    assert.equal((await signedRequest(site.url, aliceApi, "GET", "/api/user/alice/inbox")).status, 200);

    const nobody = await runTool("pump-set-password", [...cfg, "-u", "nobody", "-p", NEW_PASSWORD]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /No such 'user' with id 'nobody'/);
  });

  await t.test("pump-import-email sets confirmed addresses and reports the lines it refused", async () => {
    const file = join(site.dir, "emails.txt");
    writeFileSync(file, "# nickname\taddress\nalice\talice@example.com\nbob,bob@example.com\nnobody\tno@example.com\nbroken line\n");
    const r = await runTool("pump-import-email", [...cfg, "-f", file]);
    assert.equal(r.code, 1, "some lines were refused");
    assert.match(r.stdout, /Email addresses set: 2; unknown accounts: 1; malformed lines: 1/);
    assert.match(r.stderr, /no such account: nobody/);
    const me = await signedRequest(site.url, aliceApi, "GET", "/api/user/alice");
    assert.equal(me.status, 200);
    assert.equal(me.body.email, "alice@example.com");
  });

  await t.test("pump-accounts disable: password and OAuth tokens refused with 403; enable restores both", async () => {
    const session = await webLogin(site.url, "bob", PASSWORD);
    assert.equal(session.status, 303);
    const bobApi = userCreds(client, bob.token);
    assert.equal((await signedRequest(site.url, bobApi, "GET", "/api/user/bob/inbox")).status, 200);

    const r = await runTool("pump-accounts", [...cfg, "disable", "bob", "--reason", "spam"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Disabled bob; 1 web session logged out/);

    const refused = await signedRequest(site.url, bobApi, "GET", "/api/user/bob/inbox");
    assert.equal(refused.status, 403);
    assert.match(refused.body.error, /disabled by the site's administrator/);
    const post = await signedRequest(site.url, bobApi, "POST", "/api/user/bob/feed", { verb: "post", object: { objectType: "note", content: "still here?" } });
    assert.equal(post.status, 403);
    assert.equal(await loggedInAs(session.browser), null);
    const login = await webLogin(site.url, "bob", PASSWORD);
    assert.equal(login.status, 403);
    // A wrong password still gets the usual answer: nothing tells a guesser the account is disabled.
    assert.equal((await webLogin(site.url, "bob", "not bob's password")).status, 401);
    // The profile stays readable.
    assert.equal((await signedRequest(site.url, aliceApi, "GET", "/api/user/bob/profile")).status, 200);

    const list = await runTool("pump-accounts", [...cfg, "list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^bob .*bob@example\.com +DISABLED since \S+ \(spam\)$/m);
    assert.match(list.stdout, /^alice /m);
    assert.match(list.stdout, /1-2 of 2 accounts/);
    const paged = await runTool("pump-accounts", [...cfg, "list", "--count", "1", "--json"]);
    const page = JSON.parse(paged.stdout);
    assert.equal(page.total, 2);
    assert.equal(page.accounts.length, 1);
    assert.equal(page.hasMore, true);

    const en = await runTool("pump-accounts", [...cfg, "enable", "bob"]);
    assert.equal(en.code, 0, en.stderr);
    assert.equal((await signedRequest(site.url, bobApi, "GET", "/api/user/bob/inbox")).status, 200);
    assert.equal((await webLogin(site.url, "bob", PASSWORD)).status, 303);
  });

  await t.test("pump-import-collection: a few thousand activities with progress and counts; a second run changes nothing", async () => {
    const N = 2500;
    const items = [];
    for (let i = 0; i < N; i++) {
      items.push({
        id: `http://old.example/api/activity/a${i}`,
        verb: "post",
        published: new Date(Date.UTC(2015, 0, 1) + i * 60_000).toISOString(),
        actor: { objectType: "person", id: "acct:alice@old.example" },
        object: { objectType: "note", id: `http://old.example/api/note/n${i}`, content: `old note ${i}` },
        to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }],
      });
    }
    // Newest first, as streams are: the importer puts them back in order.
    items.reverse();
    // A registration of this site's service makes an account, as in the original.
    items.push({
      verb: "join",
      actor: { objectType: "person", id: "acct:carol@old.example", displayName: "Carol C.", portablecontacts_net: { preferredUsername: "carol" } },
      object: { objectType: "service", url: `${site.url}/` },
    });
    items.push({ verb: "post", object: { objectType: "note", content: "no actor" } });
    const file = join(site.dir, "collection.json");
    writeFileSync(file, JSON.stringify({ objectType: "collection", totalItems: items.length, items }));

    const feedBefore = await signedRequest(site.url, aliceApi, "GET", "/api/user/alice/feed");
    const r = await runTool("pump-import-collection", [...cfg, "-f", file, "--progress"], {}, undefined);
    assert.equal(r.code, 1, "the activity without an actor failed");
    // The progress bar was drawn while it ran, and reached the end.
    assert.match(r.stderr, /importing \[[^\]]*\] \d+% \| \d+\/2502/);
    assert.match(r.stderr, /100% \| 2502\/2502/);
    assert.match(r.stderr, /failed: .*item 2502: Invalid actor/);
    assert.match(r.stdout, /imported: +2500\n/);
    assert.match(r.stdout, /already present: +0\n/);
    assert.match(r.stdout, /users created: +1\n/);
    assert.match(r.stdout, /failed: +1\n/);

    // Note: without --user the actors are remote people; import again as alice's own history.
    const mine = join(site.dir, "mine.json");
    writeFileSync(mine, JSON.stringify({ items: items.slice(0, 300).map((a) => ({ ...a, id: `${a.id}-mine`, object: { ...a.object, id: `${a.object.id}-mine` } })) }));
    const asAlice = await runTool("pump-import-collection", [...cfg, "-f", mine, "-u", "alice", "--no-progress"]);
    assert.equal(asAlice.code, 0, asAlice.stderr);
    assert.match(asAlice.stdout, /imported: +300\n/);
    const feed = await signedRequest(site.url, aliceApi, "GET", "/api/user/alice/feed?count=3");
    assert.equal(feed.body.totalItems, feedBefore.body.totalItems + 300);
    // Oldest first in, so the newest old note is on top.
    assert.equal(feed.body.items[0].object.content, `old note ${N - 1}`);
    assert.equal(feed.body.items[0].published, items[0]!.published);
    assert.equal(feed.body.items[1].object.content, `old note ${N - 2}`);

    const again = await runTool("pump-import-collection", [...cfg, "-f", mine, "-u", "alice", "--no-progress"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /imported: +0\n/);
    assert.match(again.stdout, /already present: +300\n/);

    // The imported account exists and shows its imported display name.
    const carol = await signedRequest(site.url, aliceApi, "GET", "/api/user/carol/profile");
    assert.equal(carol.status, 200, carol.text);
    assert.equal(carol.body.displayName, "Carol C.");
    // One of the remote notes is readable through the server.
    const note = await signedRequest(site.url, aliceApi, "GET", `/api/note?id=${encodeURIComponent("http://old.example/api/note/n7")}`);
    assert.equal(note.status, 200, note.text);
    assert.equal(note.body.content, "old note 7");
  });

  await t.test("pump-export writes the outbox collection and profile, which import-collection reads back", async () => {
    const out = mkdtempSync(join(tmpdir(), "pump-export-test-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const bytes = garbage(5000);
    const up = await postFile(site.url, aliceApi, "/api/user/alice/uploads", bytes, "application/octet-stream");
    assert.equal(up.status, 200, up.text);
    const tarball = join(out, "alice.tar.gz");
    const r = await runTool("pump-export", [...cfg, "-u", "alice", "-o", tarball]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Exported \d+ activities and 1 file to /);
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" });
    assert.match(listing, /activities\.json/);
    assert.match(listing, /profile\.json/);
    const dir = join(out, "alice");
    const d = await runTool("pump-export", [...cfg, "-u", "alice", "-o", dir]);
    assert.equal(d.code, 0, d.stderr);
    const exported = JSON.parse(readFileSync(join(dir, "activities.json"), "utf8"));
    const feed = await signedRequest(site.url, aliceApi, "GET", "/api/user/alice/feed?count=1");
    assert.equal(exported.totalItems, feed.body.totalItems);
    assert.equal(exported.items[0].id, feed.body.items[0].id);
    assert.equal(JSON.parse(readFileSync(join(dir, "profile.json"), "utf8")).id, alice.user.profile.id);
    // The uploaded file, byte for byte, at the path it is served at.
    const files = (readdirSync(join(dir, "uploads"), { recursive: true }) as string[]).filter((f) => f.endsWith(".bin"));
    assert.equal(files.length, 1);
    assert.ok(readFileSync(join(dir, "uploads", files[0]!)).equals(bytes));
    assert.match(listing, /uploads\/alice\/.*\.bin/);
    // Refuses to write over an export.
    const twice = await runTool("pump-export", [...cfg, "-u", "alice", "-o", dir]);
    assert.equal(twice.code, 1);
    assert.ok(existsSync(join(dir, "activities.json")));
    // Re-reading its own export changes nothing.
    const back = await runTool("pump-import-collection", [...cfg, "-f", join(dir, "activities.json"), "--no-progress"]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /imported: +0\n/);
  });

  await t.test("pump-accounts delete: the account, its tokens and sessions go; the nickname is free again", async () => {
    const bobApi = userCreds(client, bob.token);
    const no = await runTool("pump-accounts", [...cfg, "delete", "bob"]);
    assert.equal(no.code, 2, "delete needs --yes");
    const r = await runTool("pump-accounts", [...cfg, "delete", "bob", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    // The token is gone, as after DELETE /api/user/bob: refused as unknown.
    const stale = await signedRequest(site.url, bobApi, "GET", "/api/user/bob/inbox");
    assert.ok(stale.status >= 400 && stale.status < 500, `old token refused: ${stale.status}`);
    assert.equal((await webLogin(site.url, "bob", PASSWORD)).status, 401);
    const again = await registerUser(site.url, client, "bob", PASSWORD);
    assert.equal(again.user.nickname, "bob");
    const gone = await runTool("pump-accounts", [...cfg, "show", "nobody"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such 'user' with id 'nobody'/);
  });
});
