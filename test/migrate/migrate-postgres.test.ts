// pump-migrate into PostgreSQL (sites on several machines): the same site
// comes out, and a second run writes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freshDatabase, skipPostgres } from "../support/postgres";
import { startTestServer } from "../support/server";
import { assertMigratedSite } from "./site-checks";
import { fixtureRecords, oldConfig, ourFlags, runMigrate, tempDir } from "./support";

test("the original site moves into PostgreSQL whole; a second run writes nothing", { skip: skipPostgres }, async (t) => {
  const db = await freshDatabase("migrate");
  t.after(() => db.drop());
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const records = fixtureRecords();
  const flags = [...ourFlags(join(dir, "data")), "--driver", "postgresql", "--params", JSON.stringify({ url: db.url })];
  const from = oldConfig(dir, "memory", { data: records });
  const first = await runMigrate(["--from", from, ...flags]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^activity +80 +0$/m);
  const second = await runMigrate(["--from", from, ...flags]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^total +0 +\d+$/m);

  const server = await startTestServer(flags);
  t.after(() => server.close());
  await assertMigratedSite(server, records);
});
