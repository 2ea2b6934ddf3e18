// pump-migrate through databank's memory driver (the fixture's records
// given as the driver's data), with an upload on the old datadir; a run
// stopped part-way resumes and ends with the same store as a straight run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestServer } from "../support/server";
import { signedRequest, userCreds } from "../support/oauth-client";
import { assertMigratedSite } from "./site-checks";
import { fixtureRecords, oldConfig, ourFlags, READER_APP, runMigrate, storeDigest, tempDir, type Records } from "./support";

const SLUG = "alice/2026/11/27/b8rPXn2aQ3mH1lB5wG9kAw.png";
const IMAGE_ID = "http://orig.example/api/image/b8rPXn2aQ3mH1lB5wG9kAw";
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

/** The fixture plus one uploaded image of alice's (record, uploads stream, file on the old datadir). */
function siteWithUpload(oldData: string): Records {
  const records = fixtureRecords();
  const stamp = "2026-11-27T11:38:00Z";
  records.image = {
    [IMAGE_ID]: {
      objectType: "image", id: IMAGE_ID, _uuid: "b8rPXn2aQ3mH1lB5wG9kAw", author: { id: "acct:alice@orig.example", objectType: "person" },
      displayName: "A dot", _slug: SLUG, _fslug: SLUG, mimeType: "image/png", published: stamp, updated: stamp,
      image: { url: `http://orig.example/uploads/${SLUG}` }, fullImage: { url: `http://orig.example/uploads/${SLUG}` },
    },
  };
  const seg = "user:alice:uploads:stream:Zk8Vq0mURa6QyX1YbW2cDe";
  records.streamsegments!["user:alice:uploads"] = [seg];
  records.streamsegment![seg] = [JSON.stringify({ id: IMAGE_ID, objectType: "image" })];
  mkdirSync(join(oldData, "uploads", "alice", "2026", "11", "27"), { recursive: true });
  writeFileSync(join(oldData, "uploads", SLUG), PNG);
  return records;
}

test("an original site read through the memory driver moves over whole, its uploads with it", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const oldData = join(dir, "old-data");
  const records = siteWithUpload(oldData);
  const from = oldConfig(dir, "memory", { data: records }, { datadir: oldData });
  const datadir = join(dir, "data");
  const run = await runMigrate(["--from", from, ...ourFlags(datadir)]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^file +1 +0$/m);
  assert.deepEqual(readFileSync(join(datadir, "uploads", SLUG)), PNG);

  const server = await startTestServer(ourFlags(datadir));
  t.after(() => server.close());
  await assertMigratedSite(server, records);
  // Never posted, so only its author may fetch it (as on the original).
  assert.equal((await fetch(`${server.url}/uploads/${SLUG}`)).status, 403);
  const alice = userCreds(READER_APP, { token: "G_-xaw961uGTntlPNvqy3A", secret: "KENMg5wguxfErlIHMi4ZyDaK5VT_A6NPH-G3yE8T6cg" });
  const file = await signedRequest(server.url, alice, "GET", `/uploads/${SLUG}`);
  assert.equal(file.status, 200);
  assert.equal(file.headers["content-type"], "image/png");
  assert.equal(Number(file.headers["content-length"]), PNG.length);
  const uploads = await signedRequest(server.url, alice, "GET", "/api/user/alice/uploads");
  assert.equal(uploads.status, 200, uploads.text);
  assert.deepEqual(uploads.body.items.map((i: { id: string }) => i.id), [IMAGE_ID]);
});

test("a migration stopped part-way resumes, ends as a straight one, and a further run changes nothing", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const from = oldConfig(dir, "memory", { data: fixtureRecords() });
  const straight = join(dir, "straight");
  assert.equal((await runMigrate(["--from", from, ...ourFlags(straight)])).code, 0);

  const stepwise = join(dir, "stepwise");
  const part = await runMigrate(["--from", from, "--stop-after", "activities", ...ourFlags(stepwise)]);
  assert.equal(part.code, 0, part.stderr);
  assert.match(part.stdout, /stopped after activities/);
  assert.doesNotMatch(part.stdout, /^streams:/m, "the streams were not reached");
  assert.notEqual(storeDigest(stepwise), storeDigest(straight));

  const rest = await runMigrate(["--from", from, ...ourFlags(stepwise)]);
  assert.equal(rest.code, 0, rest.stderr);
  assert.match(rest.stdout, /resuming: already done: check, objects, activities/);
  assert.doesNotMatch(rest.stdout, /^objects:/m, "finished phases are not run again");
  assert.match(rest.stdout, /migration complete/);
  assert.equal(storeDigest(stepwise), storeDigest(straight));

  const again = await runMigrate(["--from", from, ...ourFlags(stepwise)]);
  assert.match(again.stdout, /^total +0 +\d+$/m);
  assert.equal(storeDigest(stepwise), storeDigest(straight));
});

test("pump-migrate refuses a server whose hostname would give people other ids, before writing anything", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const from = oldConfig(dir, "memory", { data: fixtureRecords() });
  const run = await runMigrate(["--from", from, "--datadir", join(dir, "data"), "--hostname", "new.example", "--urlPort", "80"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /alice is acct:alice@orig\.example, but this server would call them acct:alice@new\.example/);
});

test("pump-migrate --help explains itself; a missing --from or an unknown driver is a clear error", async (t) => {
  const help = await runMigrate(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: pump-migrate --from OLD_CONFIG/);
  const none = await runMigrate([]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--from OLD_CONFIG is required/);
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const odd = await runMigrate(["--from", oldConfig(dir, "nosuchstore", {}), "--datadir", join(dir, "data"), "--hostname", "orig.example", "--urlPort", "80"]);
  assert.equal(odd.code, 1);
  assert.match(odd.stderr, /databank-nosuchstore, which is not installed/);
  const lost = await runMigrate(["--from", oldConfig(dir, "memory", {}), "--driver", "memory", "--hostname", "orig.example", "--urlPort", "80"]);
  assert.equal(lost.code, 1);
  assert.match(lost.stderr, /driver is "memory": everything migrated would be lost/);
});
