// What pump-migrate keeps that this server does not use yet (Dialback
// credentials, remote hosts, remote login tokens) is kept raw, findable
// by its original type; a pending email confirmation carries over; a run
// killed mid-way resumes and ends as a straight run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { spawnPump } from "../support/process";
import { fixtureRecords, MIGRATE_BIN, oldConfig, ourFlags, runMigrate, SECRET, storeDigest, tempDir } from "./support";

const STAMP = "2026-11-27T11:40:00Z";

function row(datadir: string, table: string, id: string): any {
  const db = new Database(join(datadir, "pumpio.sqlite3"), { readonly: true });
  try {
    const r = db.prepare(`SELECT value FROM "${table}" WHERE id = ?`).get(id) as { value: string } | undefined;
    return r ? JSON.parse(r.value) : null;
  } finally {
    db.close();
  }
}

test("Dialback credentials, hosts and remote tokens are kept raw; a pending confirmation becomes ours", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const records = fixtureRecords();
  const credentials = {
    host_and_id: "social.example/acct:alice@orig.example", host: "social.example", id: "acct:alice@orig.example",
    client_id: "remoteClientId0000000a", client_secret: "remoteSecret", expires_at: 0, created: STAMP, updated: STAMP,
  };
  const host = {
    hostname: "social.example", registration_endpoint: "https://social.example/api/client/register",
    request_token_endpoint: "https://social.example/oauth/request_token", access_token_endpoint: "https://social.example/oauth/access_token",
    authorization_endpoint: "https://social.example/oauth/authorize", whoami_endpoint: "https://social.example/api/whoami", created: STAMP, updated: STAMP,
  };
  records.credentials = { [credentials.host_and_id]: credentials };
  records.host = { [host.hostname]: host };
  records.remoteaccesstoken = { "acct:zed@social.example": { id: "acct:zed@social.example", type: "person", token: "t", secret: "s", hostname: "social.example", created: STAMP, modified: STAMP } };
  records.recentdialbackrequests = { "0": ["https://social.example/x/acct:zed@social.example/tok/1795779428"] };
  // An OAuth 2 bearer token of the 6.0 alpha: ours has the same type and fields, so it keeps working.
  const bearer = { token: "bearerTokenOfTheAlpha0000000000000000000000", nickname: "alice", client_id: Object.keys(records.client)[0], scope: "", created: STAMP };
  records.bearertoken = { [bearer.token]: bearer };
  records.confirmation = { "dave/dave@example.net": { nickname: "dave", email: "dave@example.net", code: "abcdefghijk", confirmed: false, timestamp: STAMP } };
  const datadir = join(dir, "data");
  const run = await runMigrate(["--from", oldConfig(dir, "memory", { data: records }), ...ourFlags(datadir)]);
  assert.equal(run.code, 0, run.stderr);

  const kept = row(datadir, "t:legacyrecord", "credentials/social.example/acct:alice@orig.example");
  assert.equal(kept.type, "credentials");
  assert.deepEqual(kept.value, credentials);
  assert.deepEqual(row(datadir, "t:legacyrecord", "host/social.example").value, host);
  assert.equal(row(datadir, "t:legacyrecord", "remoteaccesstoken/acct:zed@social.example").value.token, "t");
  assert.deepEqual(row(datadir, "t:legacyrecord", "recentdialbackrequests/0").value, records.recentdialbackrequests["0"]);
  assert.deepEqual(row(datadir, "t:bearertoken", bearer.token), bearer);
  assert.equal(row(datadir, "t:legacyrecord", `bearertoken/${bearer.token}`), null);
  assert.equal(row(datadir, "t:user", "dave")._pendingEmail, "dave@example.net");
  assert.equal(row(datadir, "t:user", "alice")._pendingEmail, undefined);
  assert.equal(row(datadir, "t:user", "alice")._passwordHash, records.user.alice._passwordHash, "the bcrypt hash is kept as it was");
});

test("a run killed part-way resumes when run again and ends as a straight run", async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const from = oldConfig(dir, "memory", { data: fixtureRecords() });
  const straight = join(dir, "straight");
  assert.equal((await runMigrate(["--from", from, ...ourFlags(straight)])).code, 0);

  const killed = join(dir, "killed");
  const p = spawnPump(["--from", from, ...ourFlags(killed)], { HOME: dir, PUMPIO_SECRET: SECRET }, MIGRATE_BIN);
  // Killed as soon as the first data phase has finished (wherever it is by then).
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (/^objects:/m.test(p.stdout())) {
        p.child.kill("SIGKILL");
        resolve();
      }
    };
    p.child.stdout!.on("data", check);
    p.exited.then(() => resolve());
  });
  await p.exited;
  const finishedAnyway = /migration complete/.test(p.stdout());

  const rest = await runMigrate(["--from", from, ...ourFlags(killed)]);
  assert.equal(rest.code, 0, rest.stderr);
  if (!finishedAnyway) assert.match(rest.stdout, /resuming: already done: check, objects/);
  assert.match(rest.stdout, /migration complete/);
  assert.equal(storeDigest(killed), storeDigest(straight));
});
