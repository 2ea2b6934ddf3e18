import type Database from "better-sqlite3";
import type { ArrayTables } from "./sqlite-arrays";

type Stmt = (sql: string) => Database.Statement;

/**
 * One item appended to many arrays of one type (a fan-out: one activity
 * into thousands of inboxes) in a fixed handful of statements, whatever
 * the number of arrays: ids travel as one JSON parameter (`json_each`),
 * so there is no per-id statement and no bound-parameter limit. The
 * caller runs it inside one write transaction (sqlite.ts `write`).
 *
 * Each array keeps the layout of sqlite-arrays.ts: the item takes
 * position max+1 of its array, the main row's `arr` grows by one. An
 * array that already holds the item is left alone, which is what makes a
 * retried delivery job land an activity once.
 */
export class SqliteAppendMany {
  constructor(private readonly stmt: Stmt) {}

  /**
   * Appends `text` (the item's JSON) to each id's array unless present;
   * ids whose value is an earlier version's JSON-text array (`arr` NULL)
   * are returned in `legacy` untouched, for the caller's per-id path.
   */
  run(t: ArrayTables, list: string[], text: string): { added: string[]; legacy: string[] } {
    const ids = [...new Set(list)];
    if (ids.length === 0) return { added: [], legacy: [] };
    const all = JSON.stringify(ids);
    // Arrays never written start empty, as append's own `lengthForWrite` does. (WHERE true: SQLite's upsert-after-SELECT rule.)
    this.stmt(`INSERT INTO ${t.main} (id, value, arr) SELECT value, 'null', 0 FROM json_each(?) WHERE true ON CONFLICT(id) DO NOTHING`).run(all);
    const legacy = (this.stmt(`SELECT id FROM ${t.main} WHERE arr IS NULL AND id IN (SELECT value FROM json_each(?))`).all(all) as { id: string }[]).map((r) => r.id);
    // Membership by the (id, item, pos) index: one descent per array.
    const present = new Set(
      (this.stmt(`SELECT DISTINCT id FROM ${t.items} WHERE item = ? AND id IN (SELECT value FROM json_each(?))`).all(text, all) as { id: string }[]).map((r) => r.id),
    );
    for (const id of legacy) present.add(id);
    const added = ids.filter((id) => !present.has(id));
    if (added.length === 0) return { added, legacy };
    const todo = JSON.stringify(added);
    this.stmt(
      `INSERT INTO ${t.items} (id, pos, item) SELECT j.value, COALESCE((SELECT MAX(pos) FROM ${t.items} WHERE id = j.value), -1) + 1, ? FROM json_each(?) AS j`,
    ).run(text, todo);
    this.stmt(`UPDATE ${t.main} SET arr = arr + 1 WHERE id IN (SELECT value FROM json_each(?))`).run(todo);
    // A fresh version per array (sqlite-arrays.ts setLength).
    this.stmt(
      `INSERT INTO ${t.versions} (id, ver) SELECT value, hex(randomblob(8)) FROM json_each(?) WHERE true ON CONFLICT(id) DO UPDATE SET ver = excluded.ver`,
    ).run(todo);
    return { added, legacy };
  }
}
