// pump-migrate reads the original site through the real databank-redis
// driver, from a real redis-server holding the fixture exactly as the
// original wrote it; then our server, on the migrated store, serves the
// same site: same logins, same tokens, same streams. A second run changes
// nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startTestServer } from "../support/server";
import { assertMigratedSite } from "./site-checks";
import {
  fixtureRecords, loadRedisDump, oldConfig, ourFlags, redisMissing, resp, runMigrate, startRedis, storeDigest, tempDir,
} from "./support";

const skip = redisMissing();

test("an original site on Redis moves over whole, and a second run changes nothing", { skip: skip ?? false }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const keys = await loadRedisDump(redis.port);
  assert.equal(keys, 1845);
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const datadir = join(dir, "data");
  const from = oldConfig(dir, "redis", { host: "127.0.0.1", port: redis.port });

  const first = await runMigrate(["--from", from, ...ourFlags(datadir)]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /migration complete/);
  for (const [type, n] of [["user", 4], ["activity", 80], ["note", 32], ["person", 4], ["collection", 30], ["accesstoken", 5], ["client", 2], ["edge", 6]] as const) {
    assert.match(first.stdout, new RegExp(`^${type} +${n} +0$`, "m"), `${type}: ${n} written`);
  }
  const digest = storeDigest(datadir);

  const second = await runMigrate(["--from", from, ...ourFlags(datadir)]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^total +0 +\d+$/m, "nothing written the second time");
  assert.equal(storeDigest(datadir), digest, "the store is the same after a second run");

  const server = await startTestServer(ourFlags(datadir));
  t.after(() => server.close());
  await assertMigratedSite(server, fixtureRecords());
});

test("the original's Redis database is only read", { skip: skip ?? false }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  await loadRedisDump(redis.port);
  const before = await resp(redis.port, [["DBSIZE"]]);
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = await runMigrate(["--from", oldConfig(dir, "redis", { host: "127.0.0.1", port: redis.port }), ...ourFlags(join(dir, "data"))]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await resp(redis.port, [["DBSIZE"]]), before);
});

if (skip) test(`Redis migration tests skipped: ${skip}`, { skip }, () => {});
