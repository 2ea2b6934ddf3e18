import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import {
  Databank,
  DatabankError,
  NotConnectedError,
  NoSuchItemError,
  NoSuchThingError,
  WrongTypeError,
  type DatabankParams,
} from "databank";
import { Bank } from "../../lib/databank/bank";
import { SqliteDatabank, DEFAULT_FILE_NAME } from "../../lib/databank/sqlite";
import { conformanceTest } from "../support/databank-conformance";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-sqlite-"));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

conformanceTest("sqlite", () => ({ file: path.join(tempDir(), "conformance.sqlite3") }));

async function openBank(params: DatabankParams): Promise<Bank> {
  const bank = new Bank(new SqliteDatabank(params), "sqlite");
  await bank.connect();
  return bank;
}

const schema = {
  song: { pkey: "id", fields: ["artist", "meta"], indices: ["artist", "meta.label"] },
};

test("the driver is a databank driver", () => {
  const raw = new SqliteDatabank({ file: ":memory:" });
  assert.ok(raw instanceof Databank);
  assert.equal(typeof (raw as unknown as { readAndModify?: unknown }).readAndModify, "function");
});

test("the file is in WAL mode and the dir param creates the directory", async () => {
  const dir = path.join(tempDir(), "nested", "data");
  const bank = await openBank({ dir });
  await bank.save("note", "1", { content: "hi" });
  const file = path.join(dir, DEFAULT_FILE_NAME);
  const other = new Database(file, { readonly: true });
  try {
    assert.equal(other.pragma("journal_mode", { simple: true }), "wal");
  } finally {
    other.close();
  }
  await bank.disconnect();
});

test("schema indices are SQLite expression indexes that searches use", async () => {
  const file = path.join(tempDir(), "idx.sqlite3");
  const bank = await openBank({ file, schema });
  const inspect = new Database(file, { readonly: true });
  try {
    const indexes = inspect
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 't:song' AND sql IS NOT NULL")
      .all() as { sql: string }[];
    assert.equal(indexes.length, 2);
    assert.ok(indexes.some((i) => i.sql.includes(`json_extract(value, '$."artist"')`)), JSON.stringify(indexes));
    assert.ok(indexes.some((i) => i.sql.includes(`json_extract(value, '$."meta"."label"')`)), JSON.stringify(indexes));
  } finally {
    inspect.close();
  }
  const raw = bank.raw as SqliteDatabank;
  assert.match(raw.explainSearch("song", { artist: "Supertramp" }).join("\n"), /USING INDEX/);
  assert.match(raw.explainSearch("song", { "meta.label": "A&M" }).join("\n"), /USING INDEX/);
  assert.doesNotMatch(raw.explainSearch("song", { title: "Dreamer" }).join("\n"), /USING INDEX/);

  await bank.create("song", "a", { id: "a", artist: "Supertramp", title: "Dreamer", meta: { label: "A&M" } });
  await bank.create("song", "b", { id: "b", artist: "Supertramp", title: "Goodbye", meta: { label: "Other" } });
  await bank.create("song", "c", { id: "c", artist: "Zevon", title: "Werewolves", meta: { label: "A&M" } });
  const ids = async (criteria: Record<string, unknown>) =>
    (await bank.search<{ id: string }>("song", criteria)).map((s) => s.id).sort();
  assert.deepEqual(await ids({ artist: "Supertramp" }), ["a", "b"]);
  assert.deepEqual(await ids({ "meta.label": "A&M" }), ["a", "c"]);
  assert.deepEqual(await ids({ artist: "Supertramp", "meta.label": "A&M" }), ["a"]);
  assert.deepEqual(await ids({ artist: "Supertramp", title: "Goodbye" }), ["b"]);
  assert.deepEqual(await ids({ artist: "Nobody" }), []);
  assert.deepEqual(await ids({ title: "Werewolves" }), ["c"]);
  await bank.disconnect();
});

test("values and ids round-trip faithfully", async () => {
  const bank = await openBank({ file: path.join(tempDir(), "values.sqlite3") });
  const values: Record<string, unknown> = {
    object: { a: 1, nested: { list: [1, "two", null, { three: 3 }] }, s: "quote ' \" \\ é 😀" },
    array: [0.1 + 0.2, -1.5, 1e300, "x"],
    float: 0.30000000000000004,
    integer: Number.MAX_SAFE_INTEGER,
    negative: -42,
    string: "Hale'iwa \"quoted\" \u0000 nul",
    empty: "",
    true: true,
    false: false,
    null: null,
    emptyArray: [],
    emptyObject: {},
  };
  for (const [id, value] of Object.entries(values)) await bank.create("thing", id, value);
  for (const [id, value] of Object.entries(values)) assert.deepEqual(await bank.read("thing", id), value, id);

  const oddIds = ["The Hague", "it's \"odd\"", "x".repeat(2000), "ünïcödé/🙂", "1"];
  for (const id of oddIds) await bank.create("odd", id, { id });
  for (const id of oddIds) assert.deepEqual(await bank.read("odd", id), { id });
  assert.deepEqual(await bank.readAll("odd", [1 as unknown as string, "nope"]), { 1: { id: "1" }, nope: null });

  // Type names are case-sensitive strings; SQLite identifiers are not.
  await bank.create("Note", "x", "upper");
  await bank.create("note", "x", "lower");
  await bank.create('we"ird:type^', "x", "odd type");
  assert.equal(await bank.read("Note", "x"), "upper");
  assert.equal(await bank.read("note", "x"), "lower");
  assert.equal(await bank.read('we"ird:type^', "x"), "odd type");
  await bank.disconnect();
});

test("array and counter operations report databank's errors", async () => {
  const bank = await openBank({ file: path.join(tempDir(), "errors.sqlite3") });
  await bank.create("t", "str", "not a number or array");
  await assert.rejects(bank.incr("t", "str"), WrongTypeError);
  await assert.rejects(bank.append("t", "str", 1), WrongTypeError);
  await assert.rejects(bank.length("t", "str"), WrongTypeError);
  await assert.rejects(bank.read("t", "missing"), NoSuchThingError);
  await assert.rejects(bank.remove("t", "missing", 1), NoSuchThingError);
  await bank.appendAll("t", "list", [{ a: 1 }, 2, { a: 1 }]);
  await assert.rejects(bank.item("t", "list", 3), NoSuchItemError);
  assert.equal(await bank.indexOf("t", "list", { a: 1 }), 0);
  await bank.remove("t", "list", { a: 1 });
  assert.deepEqual(await bank.read("t", "list"), [2, { a: 1 }]);
  assert.equal(await bank.incrBy("t", "n", 5), 5);
  // A failed first write to a new type rolls back its CREATE TABLE too; the
  // next write must create it again rather than trust a stale cache.
  await assert.rejects(bank.create("fresh", "a", { n: BigInt(1) }), DatabankError);
  await bank.create("fresh", "a", { n: 1 });
  assert.deepEqual(await bank.read("fresh", "a"), { n: 1 });
  assert.equal(await bank.decr("t", "n"), 4);
  await bank.disconnect();
  await assert.rejects(bank.read("t", "n"), NotConnectedError);
});

test("callbacks are asynchronous and called once", async () => {
  const raw = new SqliteDatabank({ file: ":memory:" });
  const calls: string[] = [];
  await new Promise<void>((resolve, reject) => {
    raw.connect({}, (err) => {
      if (err) return reject(err);
      raw.read("t", "missing", (e) => {
        calls.push(e?.name ?? "no error");
        setImmediate(resolve);
      });
      calls.push("returned");
    });
  });
  assert.deepEqual(calls, ["returned", "NoSuchThingError"]);
});

test("an exception thrown by a callback is the caller's, not a database error", () => {
  const script = `
    const { SqliteDatabank } = require(${JSON.stringify(require.resolve("../../lib/databank/sqlite"))});
    const bank = new SqliteDatabank({ file: ":memory:" });
    let calls = 0;
    bank.connect({}, () => bank.save("t", "a", 1, (err) => {
      calls++;
      console.log("callback", calls, err ? err.name : "ok");
      throw new Error("boom from callback");
    }));`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.notEqual(child.status, 0);
  assert.equal(child.stdout, "callback 1 ok\n");
  assert.match(child.stderr, /Error: boom from callback/);
});

test("a corrupt database file is a clear connect error", async () => {
  const file = path.join(tempDir(), "corrupt.sqlite3");
  fs.writeFileSync(file, "this is certainly not an SQLite database file\n".repeat(200));
  const raw = new SqliteDatabank({ file });
  const err = await new Promise<Error | null>((resolve) => raw.connect({}, resolve));
  assert.ok(err instanceof DatabankError, String(err));
  assert.equal(err.message, `Cannot open SQLite database ${file}: file is not a database (SQLITE_NOTADB)`);
  await assert.rejects(new Bank(raw, "sqlite").read("t", "x"), NotConnectedError);
});

test("a directory that cannot be created is a clear connect error", async () => {
  const blocker = path.join(tempDir(), "a-file");
  fs.writeFileSync(blocker, "");
  const dir = path.join(blocker, "data");
  const err = await new Promise<Error | null>((resolve) => new SqliteDatabank({ dir }).connect({}, resolve));
  assert.ok(err instanceof DatabankError, String(err));
  assert.ok(err.message.startsWith(`Cannot open SQLite database ${path.join(dir, DEFAULT_FILE_NAME)}: `), err.message);
  assert.match(err.message, /cannot create directory .*\(ENOTDIR\)$/);
});

test(
  "a directory that is not writable is a clear connect error",
  { skip: process.getuid?.() === 0 ? "running as root: permissions do not stop root" : false },
  async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o500);
    try {
      const err = await new Promise<Error | null>((resolve) => new SqliteDatabank({ dir }).connect({}, resolve));
      assert.ok(err instanceof DatabankError, String(err));
      assert.match(err.message, /^Cannot open SQLite database .*: directory .* is not writable: .*\(EACCES\)$/);
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  },
);
