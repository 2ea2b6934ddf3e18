import type Database from "better-sqlite3";
import { NoSuchItemError, WrongTypeError } from "databank";

/**
 * Arrays in the SQLite driver are item collections, not one JSON document:
 * each item is a row (id, pos, item) of the type's array table, and the
 * value's row in the main table carries only the array's length (its `arr`
 * column; NULL for a value that is not an array). So appending, prepending,
 * counting, membership and reading a page of a stream touch O(page) rows
 * (plus index descents), whatever the stream's length, where rewriting one
 * JSON array cost O(n) per append.
 *
 * Positions are integers that only order the items: append takes max+1,
 * prepend min-1; removal leaves gaps. An item's index is its rank by
 * position. Items are stored as their JSON text, and compared by it, which
 * is the rule the driver always had (databank's memory driver compares by
 * identity, i.e. the same for the strings streams hold).
 *
 * Data written by earlier versions holds arrays as JSON text in the main
 * table (`arr` NULL, value "[...]"); they read as before, and the first array
 * write to one converts it to items once (`adopt`).
 */

type Stmt = (sql: string) => Database.Statement;

export interface ArrayTables {
  /** Quoted main table of the type (created). */
  main: string;
  /** Quoted array-items table of the type (created). */
  items: string;
  /** Quoted array-versions table of the type (created): id → random token, fresh on every write. */
  versions: string;
}

interface MainRow {
  value: string;
  arr: number | null;
}

/**
 * An item's stored JSON text as its value. Streams hold strings (ids): a
 * JSON string with no backslash has no escapes, so its value is the text
 * between the quotes, with no JSON.parse.
 */
export function decodeItem(text: string): unknown {
  if (text.length >= 2 && text.charCodeAt(0) === 34 && text.indexOf("\\") < 0) return text.slice(1, -1);
  return JSON.parse(text);
}

export class SqliteArrays {
  constructor(private readonly stmt: Stmt) {}

  /** The main row of type/id, or undefined. */
  private row(t: ArrayTables, id: string): MainRow | undefined {
    return this.stmt(`SELECT value, arr FROM ${t.main} WHERE id = ?`).get(id) as MainRow | undefined;
  }

  /** Every item in order (a whole-array read: `read`, `getMany`, `search`). */
  all(items: string, id: string): unknown[] {
    // Plucked: this SQL text is used only here (see slice).
    return (this.stmt(`SELECT item FROM ${items} WHERE id = ? ORDER BY pos`).pluck().all(id) as string[]).map(decodeItem);
  }

  /** Replaces the items of type/id by `list` (the main row is the caller's). */
  replaceItems(items: string, id: string, list: unknown[]): void {
    this.clearItems(items, id);
    const insert = this.stmt(`INSERT INTO ${items} (id, pos, item) VALUES (?, ?, ?)`);
    list.forEach((item, i) => insert.run(id, i, JSON.stringify(item ?? null)));
  }

  clearItems(items: string, id: string): void {
    this.stmt(`DELETE FROM ${items} WHERE id = ?`).run(id);
  }

  /**
   * The length of the array at type/id for a write: creates an empty array
   * when there is no value, converts an old JSON-text array to items, and
   * throws WrongTypeError for a value that is not an array.
   */
  private lengthForWrite(t: ArrayTables, type: string, id: string): number {
    const row = this.row(t, id);
    if (!row) {
      this.stmt(`INSERT INTO ${t.main} (id, value, arr) VALUES (?, 'null', 0)`).run(id);
      return 0;
    }
    if (row.arr !== null) return row.arr;
    return this.adopt(t, type, id, row.value);
  }

  /** Converts an array stored as JSON text (earlier versions) to items. */
  private adopt(t: ArrayTables, type: string, id: string, text: string): number {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) throw new WrongTypeError(type, id, "array");
    this.replaceItems(t.items, id, value);
    this.setLength(t, id, value.length);
    return value.length;
  }

  private setLength(t: ArrayTables, id: string, n: number): void {
    this.stmt(`UPDATE ${t.main} SET value = 'null', arr = ? WHERE id = ?`).run(n, id);
    this.newVersion(t, id);
  }

  /**
   * A fresh random version on every change: readers that remember what
   * they found in an array (lib/activity/public-pages.ts) compare it.
   */
  private newVersion(t: ArrayTables, id: string): void {
    this.stmt(`INSERT INTO ${t.versions} (id, ver) VALUES (?, hex(randomblob(8))) ON CONFLICT(id) DO UPDATE SET ver = excluded.ver`).run(id);
  }

  appendAll(t: ArrayTables, type: string, id: string, list: unknown[]): void {
    // The common case, an array already kept as items: its length grows in
    // place and one item takes max+1 in one statement (two statements
    // instead of four; a post appends to four streams), plus its new version.
    if (list.length > 0 && this.stmt(`UPDATE ${t.main} SET arr = arr + ? WHERE id = ? AND arr IS NOT NULL`).run(list.length, id).changes > 0) {
      this.newVersion(t, id);
      if (list.length === 1) {
        const sql = `INSERT INTO ${t.items} (id, pos, item) SELECT ?, COALESCE(MAX(pos), -1) + 1, ? FROM ${t.items} WHERE id = ?`;
        this.stmt(sql).run(id, JSON.stringify(list[0] ?? null), id);
        return;
      }
      this.insertAfterLast(t, id, list);
      return;
    }
    const n = this.lengthForWrite(t, type, id);
    if (list.length === 0) return;
    this.insertAfterLast(t, id, list);
    this.setLength(t, id, n + list.length);
  }

  /** Inserts the items after the array's last position (its length is the caller's). */
  private insertAfterLast(t: ArrayTables, id: string, list: unknown[]): void {
    const top = this.stmt(`SELECT MAX(pos) AS p FROM ${t.items} WHERE id = ?`).get(id) as { p: number | null };
    const insert = this.stmt(`INSERT INTO ${t.items} (id, pos, item) VALUES (?, ?, ?)`);
    let pos = top.p === null ? 0 : top.p + 1;
    for (const item of list) insert.run(id, pos++, JSON.stringify(item ?? null));
  }

  prependAll(t: ArrayTables, type: string, id: string, list: unknown[]): void {
    const n = this.lengthForWrite(t, type, id);
    if (list.length === 0) return;
    const bottom = this.stmt(`SELECT MIN(pos) AS p FROM ${t.items} WHERE id = ?`).get(id) as { p: number | null };
    const insert = this.stmt(`INSERT INTO ${t.items} (id, pos, item) VALUES (?, ?, ?)`);
    let pos = (bottom.p === null ? 0 : bottom.p) - list.length;
    for (const item of list) insert.run(id, pos++, JSON.stringify(item ?? null));
    this.setLength(t, id, n + list.length);
  }

  /**
   * Items [start, end) of an array of length n (start/end already clamped,
   * 0 <= start <= end <= n). Reads from whichever end is nearer, so the
   * newest and the oldest pages of a long stream both cost O(page).
   */
  slice(items: string, id: string, n: number, start: number, end: number): unknown[] {
    if (end <= start) return [];
    const count = end - start;
    // Plucked statements (these SQL texts are used only here): the item texts
    // come back as strings, not one row object each. A filtered page under
    // many hidden items reads hundreds of them per request.
    if (start <= n - end) {
      const sql = `SELECT item FROM ${items} WHERE id = ? ORDER BY pos LIMIT ? OFFSET ?`;
      return (this.stmt(sql).pluck().all(id, count, start) as string[]).map(decodeItem);
    }
    const sql = `SELECT item FROM ${items} WHERE id = ? ORDER BY pos DESC LIMIT ? OFFSET ?`;
    const texts = this.stmt(sql).pluck().all(id, count, n - end) as string[];
    const out = new Array<unknown>(texts.length);
    for (let i = 0, j = texts.length - 1; j >= 0; i++, j--) out[i] = decodeItem(texts[j]!);
    return out;
  }

  item(items: string, type: string, id: string, n: number, index: number): unknown {
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new NoSuchItemError(type, id, index);
    return this.slice(items, id, n, index, index + 1)[0];
  }

  /** Position of the first occurrence of `item`, or null (one index lookup). */
  private firstPos(items: string, id: string, item: unknown): number | null {
    const sql = `SELECT MIN(pos) AS p FROM ${items} WHERE id = ? AND item = ?`;
    return (this.stmt(sql).get(id, JSON.stringify(item ?? null)) as { p: number | null }).p;
  }

  /** Index of the first occurrence of `item`, or -1. */
  indexOf(items: string, id: string, item: unknown): number {
    const pos = this.firstPos(items, id, item);
    if (pos === null) return -1;
    // Counting the index entries before it: a range scan of the (id, pos) key.
    const sql = `SELECT COUNT(*) AS c FROM ${items} WHERE id = ? AND pos < ?`;
    return (this.stmt(sql).get(id, pos) as { c: number }).c;
  }

  /** True when `item` is in the array (one index lookup, whatever the length). */
  has(items: string, id: string, item: unknown): boolean {
    return this.firstPos(items, id, item) !== null;
  }

  /** Removes the first occurrence of each item (databank's rule). */
  removeAll(t: ArrayTables, type: string, id: string, list: unknown[]): void {
    let n = this.lengthForWrite(t, type, id);
    const del = this.stmt(`DELETE FROM ${t.items} WHERE id = ? AND pos = ?`);
    for (const item of list) {
      const pos = this.firstPos(t.items, id, item);
      if (pos === null) continue;
      del.run(id, pos);
      n--;
    }
    this.setLength(t, id, n);
  }

  /** Keeps the first `length` items. */
  truncate(t: ArrayTables, type: string, id: string, length: number): void {
    const n = this.lengthForWrite(t, type, id);
    if (n <= length) return;
    const keep = Math.max(0, Math.floor(length));
    const cut = this.stmt(`SELECT pos FROM ${t.items} WHERE id = ? ORDER BY pos LIMIT 1 OFFSET ?`).get(id, keep) as
      | { pos: number }
      | undefined;
    if (cut) this.stmt(`DELETE FROM ${t.items} WHERE id = ? AND pos >= ?`).run(id, cut.pos);
    this.setLength(t, id, keep);
  }
}
