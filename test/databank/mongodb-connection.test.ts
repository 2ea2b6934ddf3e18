// How databank-mongodb-style params become a MongoClient URL and options,
// and how the driver fails when there is no server. No MongoDB needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Databank, DatabankError, NotConnectedError } from "databank";
import { planConnection, redactUrl, scrub } from "../../lib/databank/mongodb-connection";
import { MongoDatabank } from "../../lib/databank/mongodb";

test("defaults are databank-mongodb's: localhost:27017, database 'test'", () => {
  const plan = planConnection({});
  assert.equal(plan.url, "mongodb://localhost:27017/");
  assert.equal(plan.dbname, "test");
  assert.deepEqual(plan.options, {});
});

test("host, port and dbname are used; an IPv6 host gets brackets", () => {
  assert.equal(planConnection({ host: "db.example", port: 27018 }).url, "mongodb://db.example:27018/");
  assert.equal(planConnection({ host: "::1" }).url, "mongodb://[::1]:27017/");
  assert.equal(planConnection({ dbname: "pumpio" }).dbname, "pumpio");
});

test("url overrides host and port; without dbname the URL's own database is used", () => {
  const plan = planConnection({ url: "mongodb://a:1,b:2/pump?replicaSet=rs0", host: "ignored", port: 9 });
  assert.equal(plan.url, "mongodb://a:1,b:2/pump?replicaSet=rs0");
  assert.equal(plan.dbname, undefined, "left to MongoClient#db(), which reads the URL");
  assert.equal(planConnection({ url: "mongodb://a/pump", dbname: "other" }).dbname, "other");
});

test("rs_name and hosts become a replica-set URL, hosts in every form databank-mongodb took", () => {
  const plan = planConnection({ rs_name: "rs 0", hosts: [["a", 1], "b", ["c"]] });
  assert.equal(plan.url, "mongodb://a:1,b:27017,c:27017/?replicaSet=rs%200");
  assert.equal(planConnection({ rs_name: "rs0" }).url, "mongodb://localhost:27017/?replicaSet=rs0");
});

test("dbuser/dbpass authenticate against the database itself, as db.authenticate() did", () => {
  const plan = planConnection({ dbname: "pump", dbuser: "pumpio", dbpass: "hunter22" });
  assert.deepEqual(plan.options.auth, { username: "pumpio", password: "hunter22" });
  assert.equal(plan.options.authSource, "pump");
  assert.ok(!plan.where.includes("hunter22"));
  assert.equal(planConnection({ dbuser: "u", dbpass: "p", options: { authSource: "admin" } }).options.authSource, "admin");
});

test("options reach MongoClient, minus databank-mongodb's legacy Db options", () => {
  const plan = planConnection({ options: { serverSelectionTimeoutMS: 500, safe: true, reaper: true, reaperInterval: 1, reaperTimeout: 2 } });
  assert.deepEqual(plan.options, { serverSelectionTimeoutMS: 500 });
});

test("passwords are removed from URLs and messages", () => {
  assert.equal(redactUrl("mongodb://bob:s3cret@h:1/db"), "mongodb://bob:***@h:1/db");
  assert.equal(redactUrl("mongodb+srv://bob:s%40cret@cluster.example/db"), "mongodb+srv://bob:***@cluster.example/db");
  assert.equal(redactUrl("mongodb://bob@h/db"), "mongodb://bob@h/db");
  assert.equal(redactUrl("mongodb://h1:1,h2:2/db"), "mongodb://h1:1,h2:2/db");
  const plan = planConnection({ url: "mongodb://bob:s%40cret@h/db" });
  assert.equal(scrub("auth s%40cret / s@cret failed", plan.secrets), "auth *** / *** failed");
});

/** Calls `fn(cb)` and resolves with the callback's arguments, noting whether it ran synchronously and how often. */
function callback<T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<{ err: Error | null; sync: boolean; calls: () => number }> {
  return new Promise((resolve) => {
    let sync = true;
    let calls = 0;
    fn((err) => {
      calls++;
      resolve({ err, sync, calls: () => calls });
    });
    sync = false;
  });
}

test("the driver is a databank: instanceof Databank, every databank method present", () => {
  const bank = new MongoDatabank({});
  assert.ok(bank instanceof Databank);
  for (const m of ["connect", "disconnect", "create", "read", "update", "save", "del", "search", "scan", "readAll", "incr", "decr", "incrBy", "decrBy", "append", "prepend", "appendAll", "prependAll", "item", "slice", "indexOf", "remove", "removeAll", "length", "truncate"]) {
    assert.equal(typeof (bank as unknown as Record<string, unknown>)[m], "function", m);
  }
});

test("before connect, operations and disconnect fail with NotConnectedError, asynchronously", async () => {
  const bank = new MongoDatabank({});
  const read = await callback((cb) => bank.read("user", "evan", cb));
  assert.ok(read.err instanceof NotConnectedError);
  assert.equal(read.sync, false);
  const incr = await callback((cb) => bank.incr("count", "x", cb));
  assert.ok(incr.err instanceof NotConnectedError);
  const disc = await callback((cb) => bank.disconnect(cb));
  assert.ok(disc.err instanceof NotConnectedError);
});

test("an unreachable server gives one clean DatabankError naming the target, password removed, no unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const bank = new MongoDatabank({
      url: "mongodb://pump:t0ps3cret@127.0.0.1:1/pumpio",
      options: { serverSelectionTimeoutMS: 500 },
    });
    const res = await callback((cb) => bank.connect({}, cb));
    assert.ok(res.err instanceof DatabankError, `got ${String(res.err)}`);
    assert.equal(res.err.name, "DatabankError");
    assert.match(res.err.message, /^Cannot connect to MongoDB at mongodb:\/\/pump:\*\*\*@127\.0\.0\.1:1\/pumpio: /);
    assert.ok(!res.err.message.includes("t0ps3cret"));
    assert.equal(res.sync, false);
    // Later turns of the loop: the callback is not called again, nothing is left rejected.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(res.calls(), 1);
    assert.deepEqual(unhandled, []);
    // The failed bank is not half-connected.
    const read = await callback((cb) => bank.read("user", "evan", cb));
    assert.ok(read.err instanceof NotConnectedError);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("a malformed URL is a DatabankError too", async () => {
  const res = await callback((cb) => new MongoDatabank({ url: "http://bob:pw1234@host/db" }).connect({}, cb));
  assert.ok(res.err instanceof DatabankError);
  assert.match(res.err.message, /^Cannot connect to MongoDB at http:\/\/bob:\*\*\*@host\/db: /);
});
