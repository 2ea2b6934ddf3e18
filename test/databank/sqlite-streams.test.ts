// The SQLite driver keeps arrays (streams) as item collections: one row per
// item beside a length in the value's row, so an append writes one row
// instead of rewriting the whole array, and data written by earlier
// versions (arrays as JSON text) still reads and is converted on first write.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { openBank } from "../../lib/databank";
import { Stream } from "../../lib/model/stream";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-sqlite-streams-"));
  dirs.push(dir);
  return path.join(dir, "db.sqlite3");
}

test("an append adds one item row and updates the length; the array is never stored as one document", async () => {
  const file = tempFile();
  const bank = await openBank({ driver: "sqlite", params: { file }, schema: {} });
  const s = new Stream(bank, "user/alice/inbox");
  for (let i = 0; i < 50; i++) await s.add(`https://x.example/a/${i}`);
  await bank.disconnect();

  const db = new Database(file, { readonly: true });
  try {
    const main = db.prepare(`SELECT value, arr FROM "t:stream" WHERE id = ?`).get("user/alice/inbox") as { value: string; arr: number };
    assert.deepEqual(main, { value: "null", arr: 50 });
    const items = db.prepare(`SELECT COUNT(*) AS c FROM "a:stream" WHERE id = ?`).get("user/alice/inbox") as { c: number };
    assert.equal(items.c, 50);
    // Paging reads the (id, pos) key from either end and membership uses the (id, item) index.
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join("; ");
    assert.match(plan(`SELECT item FROM "a:stream" WHERE id = ? ORDER BY pos DESC LIMIT 20 OFFSET 0`, "x"), /SEARCH .*PRIMARY KEY/);
    assert.doesNotMatch(plan(`SELECT item FROM "a:stream" WHERE id = ? ORDER BY pos DESC LIMIT 20 OFFSET 0`, "x"), /TEMP B-TREE/);
    assert.match(plan(`SELECT MIN(pos) AS p FROM "a:stream" WHERE id = ? AND item = ?`, "x", "y"), /SEARCH .*USING (COVERING )?INDEX/);
  } finally {
    db.close();
  }
});

test("arrays written by the earlier layout (JSON text) read as before and convert on the first write", async () => {
  const file = tempFile();
  const old = new Database(file);
  old.exec(`CREATE TABLE "t:stream" (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
  old.prepare(`INSERT INTO "t:stream" (id, value) VALUES (?, ?)`).run("user/bob/feed", JSON.stringify(["a", "b", "c"]));
  old.exec(`CREATE TABLE "t:note" (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
  old.prepare(`INSERT INTO "t:note" (id, value) VALUES (?, ?)`).run("n1", JSON.stringify({ content: "hi" }));
  old.close();

  const bank = await openBank({ driver: "sqlite", params: { file }, schema: {} });
  try {
    const s = new Stream(bank, "user/bob/feed");
    assert.equal(await s.count(), 3);
    assert.deepEqual(await s.range(0, 2), ["c", "b"]);
    assert.equal(await s.has("a"), true);
    assert.deepEqual(await bank.read("note", "n1"), { content: "hi" });
    await s.add("d");
    assert.deepEqual(await s.all(), ["d", "c", "b", "a"]);
    await assert.rejects(bank.append("note", "n1", "x"), /array/);
  } finally {
    await bank.disconnect();
  }
  const db = new Database(file, { readonly: true });
  try {
    const main = db.prepare(`SELECT value, arr FROM "t:stream" WHERE id = ?`).get("user/bob/feed");
    assert.deepEqual(main, { value: "null", arr: 4 });
  } finally {
    db.close();
  }
});

test("appendToMany converts arrays of the earlier layout, skips those holding the item, and refuses a value that is not an array", async () => {
  const file = tempFile();
  const old = new Database(file);
  old.exec(`CREATE TABLE "t:stream" (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
  old.prepare(`INSERT INTO "t:stream" (id, value) VALUES (?, ?)`).run("user/old/inbox", JSON.stringify(["a", "b"]));
  old.prepare(`INSERT INTO "t:stream" (id, value) VALUES (?, ?)`).run("user/had/inbox", JSON.stringify(["act", "b"]));
  old.prepare(`INSERT INTO "t:stream" (id, value) VALUES (?, ?)`).run("not/array", JSON.stringify({ x: 1 }));
  old.close();

  const bank = await openBank({ driver: "sqlite", params: { file }, schema: {} });
  try {
    const added = await bank.appendToMany("stream", ["user/old/inbox", "user/had/inbox", "user/new/inbox"], "act");
    assert.deepEqual([...added].sort(), ["user/new/inbox", "user/old/inbox"]);
    assert.deepEqual(await new Stream(bank, "user/old/inbox").all(), ["act", "b", "a"]);
    assert.deepEqual(await new Stream(bank, "user/had/inbox").all(), ["b", "act"]);
    assert.deepEqual(await new Stream(bank, "user/new/inbox").all(), ["act"]);
    // One bad id fails its whole chunk, and the chunk's transaction leaves nothing behind.
    await assert.rejects(bank.appendToMany("stream", ["user/later/inbox", "not/array"], "act2"), /array/);
    assert.equal(await new Stream(bank, "user/later/inbox").count(), 0);
  } finally {
    await bank.disconnect();
  }
});
