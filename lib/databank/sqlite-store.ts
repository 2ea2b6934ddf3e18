import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DatabankError, NoSuchItemError, NoSuchThingError, WrongTypeError, type Schema } from "databank";
import { SqliteArrays, type ArrayTables } from "./sqlite-arrays";
import { SqliteAppendMany } from "./sqlite-append-many";

/**
 * The synchronous SQL side of the SQLite databank driver (sqlite.ts): one
 * better-sqlite3 connection, one table per databank type holding
 * `id TEXT PRIMARY KEY, value TEXT` (JSON), schema indices as expression
 * indexes. It knows nothing of callbacks, retries or databank's connection
 * state; sqlite.ts adds those.
 */

/**
 * SQLite identifiers are case-insensitive (ASCII) and share one namespace,
 * while databank type names are case-sensitive strings. This escaping keeps
 * the mapping injective: A-Z become ^a-^z, '^' and ':' are escaped, so a bare
 * ':' can separate the parts of an index name.
 */
function encodeName(name: string): string {
  return name.replace(/[A-Z^:]/g, (c) => "^" + c.toLowerCase());
}
function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** The table of a databank type: "t:" + the escaped type name. */
export function tableName(type: string): string {
  if (typeof type !== "string" || type.length === 0 || type.length > 200 || type.includes("\0")) {
    throw new DatabankError(`Invalid databank type name: ${JSON.stringify(type)}`);
  }
  return "t:" + encodeName(type);
}

/** The array-items table of a databank type (see sqlite-arrays.ts): "a:" + the escaped name. */
export function itemsTableName(type: string): string {
  return "a:" + tableName(type).slice(2);
}

/** The array-versions table of a databank type (see arrayStat): "v:" + the escaped name. */
export function versionsTableName(type: string): string {
  return "v:" + tableName(type).slice(2);
}

/**
 * The SQL expression for a dotted property, or null when SQLite's JSON paths
 * cannot express it exactly (quotes in a key; numeric parts, which databank
 * also resolves as array positions). The same text serves the index and the
 * queries: SQLite only uses an expression index for an identical expression.
 */
export function fieldExpression(field: string): string | null {
  const parts = field.split(".");
  if (parts.some((p) => p === "" || /["\\]/.test(p) || /^\d+$/.test(p))) return null;
  const jsonPath = "$" + parts.map((p) => `."${p}"`).join("");
  return `json_extract(value, '${jsonPath.replace(/'/g, "''")}')`;
}

/** "message (CODE)" for SQLite and Node errors alike. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string } | null;
  const text = (e?.message ?? String(err)).replace(/^[A-Z_]+: /, "");
  return e?.code ? `${text} (${e.code})` : text;
}

function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

export class SqliteStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly schema: Schema;
  private readonly txn: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly tables = new Set<string>();
  private readonly arrays = new SqliteArrays((sql) => this.stmt(sql));
  private readonly appendMany = new SqliteAppendMany((sql) => this.stmt(sql));

  /**
   * Opens (creating if needed) the database file and the schema's tables.
   * Throws SQLite's own error on lock contention (the caller retries) and a
   * DatabankError naming the file and the problem for anything else.
   */
  constructor(file: string, busyTimeout: number, schema: Schema) {
    this.file = file === ":memory:" ? file : path.resolve(file);
    this.schema = schema;
    const fail = (problem: unknown): never => {
      const e = new DatabankError(`Cannot open SQLite database ${this.file}: ${describeError(problem)}`);
      (e as { cause?: unknown }).cause = problem;
      throw e;
    };
    if (file !== ":memory:") {
      const dir = path.dirname(this.file);
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (err) {
        fail(`cannot create directory ${dir}: ${describeError(err)}`);
      }
      // SQLite must create the -wal and -shm files beside the database.
      try {
        fs.accessSync(dir, fs.constants.W_OK);
      } catch (err) {
        fail(`directory ${dir} is not writable: ${describeError(err)}`);
      }
    }
    let db: Database.Database | null = null;
    try {
      db = new Database(file, { timeout: busyTimeout });
      // WAL: readers never wait for writers, and several processes can share the file.
      db.pragma("journal_mode = WAL");
      // Durable at checkpoints rather than every commit: the usual WAL trade-off.
      db.pragma("synchronous = NORMAL");
      this.db = db;
      this.txn = db.transaction((fn: () => unknown) => fn());
      this.immediate(() => {
        this.upgradeTables();
        for (const [type, def] of Object.entries(schema)) this.ensureTable(type, def.indices ?? []);
      });
    } catch (err) {
      db?.close();
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) throw err;
      throw err instanceof DatabankError ? err : fail(err);
    }
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  /** Runs `work` in one BEGIN IMMEDIATE transaction (rolled back if it throws). */
  immediate<T>(work: () => T): T {
    try {
      return this.txn.immediate(work) as T;
    } catch (err) {
      // A rollback may have undone a CREATE TABLE the cache remembers.
      this.tables.clear();
      throw err;
    }
  }

  /** The value stored under type/id, or undefined. */
  find(type: string, id: string): unknown {
    if (!this.hasTable(type)) return undefined;
    const sql = `SELECT value, arr FROM ${quoteIdent(tableName(type))} WHERE id = ?`;
    const row = this.stmt(sql).get(String(id)) as StoredRow | undefined;
    return row ? this.decode(type, String(id), row) : undefined;
  }
  get(type: string, id: string): unknown {
    const value = this.find(type, id);
    if (value === undefined) throw new NoSuchThingError(type, id);
    return value;
  }

  /** Values by id (null where missing), in one statement however many ids. */
  getMany(type: string, ids: string[]): Record<string, unknown> {
    const keys = ids.map(String);
    const results: Record<string, unknown> = {};
    if (keys.length === 0 || !this.hasTable(type)) {
      for (const k of keys) results[k] = null;
      return results;
    }
    // Raw rows ([id, value, arr]; this SQL text is used only here): no row
    // object each. Found values are decoded once; missing ids answer null.
    const sql = `SELECT id, value, arr FROM ${quoteIdent(tableName(type))} WHERE id IN (SELECT value FROM json_each(?)) /* raw */`;
    const rows = this.stmt(sql).raw(true).all(JSON.stringify(keys)) as [string, string, number | null][];
    const found = new Map<string, unknown>();
    for (const [id, value, arr] of rows) found.set(id, arr === null ? JSON.parse(value) : this.arrays.all(quoteIdent(itemsTableName(type)), id));
    for (const k of keys) results[k] = found.has(k) ? found.get(k) : null;
    return results;
  }

  /** Inserts unless the id exists; false if it did. */
  insert(type: string, id: string, value: unknown): boolean {
    const t = this.ensureTable(type);
    const sql = `INSERT INTO ${t} (id, value, arr) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING`;
    const done = this.stmt(sql).run(String(id), ...this.encode(value)).changes > 0;
    // A new row has no items to clear (delete clears them with the row): only an array writes some.
    if (done && Array.isArray(value)) this.writeItems(type, String(id), value);
    return done;
  }
  /** Replaces an existing value; false if there was none. */
  replace(type: string, id: string, value: unknown): boolean {
    const sql = `UPDATE ${this.ensureTable(type)} SET value = ?, arr = ? WHERE id = ?`;
    const done = this.stmt(sql).run(...this.encode(value), String(id)).changes > 0;
    if (done) this.writeItems(type, String(id), value);
    return done;
  }
  /** Inserts or replaces. */
  put(type: string, id: string, value: unknown): void {
    const t = this.ensureTable(type);
    const sql = `INSERT INTO ${t} (id, value, arr) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value, arr = excluded.arr`;
    this.stmt(sql).run(String(id), ...this.encode(value));
    this.writeItems(type, String(id), value);
  }
  /** Deletes; false if there was nothing to delete. */
  delete(type: string, id: string): boolean {
    const done = this.stmt(`DELETE FROM ${this.ensureTable(type)} WHERE id = ?`).run(String(id)).changes > 0;
    if (done) this.arrays.clearItems(this.arrayTables(type).items, String(id));
    return done;
  }

  /** Array operations (sqlite-arrays.ts); writes must run inside `immediate`. */
  appendAll(type: string, id: string, items: unknown[]): void {
    this.arrays.appendAll(this.arrayTables(type), type, String(id), items);
  }
  prependAll(type: string, id: string, items: unknown[]): void {
    this.arrays.prependAll(this.arrayTables(type), type, String(id), items);
  }
  removeAll(type: string, id: string, items: unknown[]): void {
    this.rawRow(type, id);
    this.arrays.removeAll(this.arrayTables(type), type, String(id), items);
  }
  truncate(type: string, id: string, length: number): void {
    this.rawRow(type, id);
    this.arrays.truncate(this.arrayTables(type), type, String(id), length);
  }

  /**
   * Appends `item` to each id's array unless it holds it already
   * (sqlite-append-many.ts); returns the ids it went to. Must run inside
   * `immediate`. Arrays still in an earlier version's layout take the
   * per-id path, which converts them.
   */
  appendToManyIfAbsent(type: string, ids: string[], item: unknown): string[] {
    const { added, legacy } = this.appendMany.run(this.arrayTables(type), ids.map(String), JSON.stringify(item ?? null));
    for (const id of legacy) {
      if (this.indexOf(type, id, item) >= 0) continue;
      this.appendAll(type, id, [item]);
      added.push(id);
    }
    return added;
  }

  /**
   * The array at type/id from one read of its row: its length, and its items
   * when it is still stored as JSON text (an earlier version's layout).
   * NoSuchThing / WrongType as databank says.
   */
  private arrayAt(type: string, id: string): { n: number; legacy: unknown[] | null } {
    const row = this.rawRow(type, id);
    if (row.arr !== null) return { n: row.arr, legacy: null };
    const value = JSON.parse(row.value) as unknown;
    if (!Array.isArray(value)) throw new WrongTypeError(type, id, "array");
    return { n: value.length, legacy: value };
  }

  /** Length of the array at type/id. */
  arrayLength(type: string, id: string): number {
    return this.arrayAt(type, id).n;
  }

  /**
   * Length and version of the array at type/id in one statement. The
   * version is a random token set by every append, prepend, remove and
   * truncate (sqlite-arrays.ts, sqlite-append-many.ts) in the type's
   * versions table; null when unknown (an array written whole, or in an
   * earlier layout), which promises nothing. Same token, same items.
   */
  arrayStat(type: string, id: string): { length: number; version: string | null } {
    if (!this.hasTable(type)) throw new NoSuchThingError(type, id);
    const versions = this.hasTableNamed(versionsTableName(type))
      ? `(SELECT ver FROM ${quoteIdent(versionsTableName(type))} WHERE id = m.id)`
      : "NULL";
    const sql = `SELECT m.value AS value, m.arr AS arr, ${versions} AS ver FROM ${quoteIdent(tableName(type))} AS m WHERE m.id = ?`;
    const row = this.stmt(sql).get(String(id)) as (StoredRow & { ver: string | null }) | undefined;
    if (!row) throw new NoSuchThingError(type, id);
    if (row.arr !== null) return { length: row.arr, version: row.ver };
    const value = JSON.parse(row.value) as unknown;
    if (!Array.isArray(value)) throw new WrongTypeError(type, id, "array");
    return { length: value.length, version: null };
  }

  /**
   * Lengths of many arrays of one type in one statement (a page's
   * likes/replies/shares sizes); ids with no value are left out, a value
   * that is not an array throws WrongTypeError as `length` does.
   */
  arrayLengths(type: string, ids: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    if (ids.length === 0 || !this.hasTable(type)) return out;
    // The value text only for arrays of the earlier layout (arr NULL): a page asks for 60 sizes.
    const sql = `SELECT id, CASE WHEN arr IS NULL THEN value END AS value, arr FROM ${quoteIdent(tableName(type))} WHERE id IN (SELECT value FROM json_each(?))`;
    const rows = this.stmt(sql).all(JSON.stringify(ids.map(String))) as (StoredRow & { id: string })[];
    for (const row of rows) {
      if (row.arr !== null) {
        out[row.id] = row.arr;
        continue;
      }
      const value = JSON.parse(row.value) as unknown;
      if (!Array.isArray(value)) throw new WrongTypeError(type, row.id, "array");
      out[row.id] = value.length;
    }
    return out;
  }
  /** Items [start, end) with Array.prototype.slice's rules for negative and missing bounds. */
  slice(type: string, id: string, start: number, end: number): unknown[] {
    const { n, legacy } = this.arrayAt(type, id);
    if (legacy) return legacy.slice(start, end);
    const clamp = (x: number, dflt: number): number => {
      const v = Number.isNaN(Number(x)) || x === undefined ? dflt : Math.trunc(Number(x));
      return v < 0 ? Math.max(0, n + v) : Math.min(n, v);
    };
    return this.arrays.slice(this.existingTables(type).items, String(id), n, clamp(start, 0), clamp(end, n));
  }
  item(type: string, id: string, index: number): unknown {
    const { n, legacy } = this.arrayAt(type, id);
    if (legacy) {
      if (!Number.isInteger(index) || index < 0 || index >= n) throw new NoSuchItemError(type, id, index);
      return legacy[index];
    }
    return this.arrays.item(this.existingTables(type).items, type, String(id), n, index);
  }
  indexOf(type: string, id: string, item: unknown): number {
    const { legacy } = this.arrayAt(type, id);
    if (legacy) {
      const text = JSON.stringify(item ?? null);
      return legacy.findIndex((x) => JSON.stringify(x ?? null) === text);
    }
    return this.arrays.indexOf(this.existingTables(type).items, String(id), item);
  }

  /**
   * Candidate values for a search. Only criteria on schema indices narrow
   * the SQL (an index lookup, compared type-strictly); the caller applies
   * databank's own matching rule to every candidate.
   */
  candidates(type: string, criteria: Record<string, unknown>): unknown[] {
    if (!this.hasTable(type)) return [];
    const { sql, params } = this.searchSql(type, criteria);
    return (this.stmt(sql).all(...params) as (StoredRow & { id: string })[]).map((r) => this.decode(type, r.id, r));
  }

  /** The query plan of `candidates`, for operators and tests. */
  explain(type: string, criteria: Record<string, unknown>): string[] {
    const { sql, params } = this.searchSql(type, criteria);
    const plan = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    return plan.map((row) => row.detail);
  }

  private searchSql(type: string, criteria: Record<string, unknown>): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const indexed = new Set(this.schema[type]?.indices ?? []);
    for (const [field, wanted] of Object.entries(criteria)) {
      const expr = indexed.has(field) ? fieldExpression(field) : null;
      if (!expr) continue;
      if (wanted === null || wanted === undefined) {
        where.push(`${expr} IS NULL`);
      } else if (typeof wanted === "string" || (typeof wanted === "number" && Number.isFinite(wanted))) {
        where.push(`${expr} = ?`);
        params.push(wanted);
      }
    }
    const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    return { sql: `SELECT id, value, arr FROM ${quoteIdent(tableName(type))}${clause}`, params };
  }

  /** [value, arr] columns for a value: an array keeps only its length in the main row. */
  private encode(value: unknown): [string, number | null] {
    return Array.isArray(value) ? ["null", value.length] : [toJson(value), null];
  }
  /** The items of an array value go to the items table; any other value clears them. */
  private writeItems(type: string, id: string, value: unknown): void {
    const { items, versions } = this.arrayTables(type);
    if (Array.isArray(value)) {
      this.arrays.replaceItems(items, id, value);
      // Written whole: no version (nothing may be remembered under an older one).
      this.stmt(`DELETE FROM ${versions} WHERE id = ?`).run(id);
    }
    else this.arrays.clearItems(items, id);
  }
  private decode(type: string, id: string, row: StoredRow): unknown {
    if (row.arr === null) return JSON.parse(row.value);
    return this.arrays.all(this.existingTables(type).items, id);
  }
  private rawRow(type: string, id: string): StoredRow {
    if (!this.hasTable(type)) throw new NoSuchThingError(type, id);
    const row = this.stmt(`SELECT value, arr FROM ${quoteIdent(tableName(type))} WHERE id = ?`).get(String(id));
    if (!row) throw new NoSuchThingError(type, id);
    return row as StoredRow;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Reads never create tables: a type nobody wrote is simply empty. */
  private hasTable(type: string): boolean {
    return this.hasTableNamed(tableName(type));
  }
  private hasTableNamed(name: string): boolean {
    if (this.tables.has(name)) return true;
    const found = this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
    if (found) this.tables.add(name);
    return Boolean(found);
  }

  /** Both tables of a type that exists (reads). */
  private existingTables(type: string): ArrayTables {
    return { main: quoteIdent(tableName(type)), items: quoteIdent(itemsTableName(type)), versions: quoteIdent(versionsTableName(type)) };
  }
  /** Both tables of a type, created if needed (writes). */
  private arrayTables(type: string): ArrayTables {
    return { main: this.ensureTable(type), items: quoteIdent(itemsTableName(type)), versions: quoteIdent(versionsTableName(type)) };
  }

  /**
   * Brings tables written by earlier versions to this layout: the `arr`
   * column and the items table. Runs once per open, in the open's write
   * transaction, so every process sees either the old or the new layout.
   */
  private upgradeTables(): void {
    const mains = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't:%'").all() as {
      name: string;
    }[];
    for (const { name } of mains) {
      const cols = this.db.prepare(`PRAGMA table_info(${quoteIdent(name)})`).all() as { name: string }[];
      if (!cols.some((c) => c.name === "arr")) this.db.exec(`ALTER TABLE ${quoteIdent(name)} ADD COLUMN arr INTEGER`);
      this.createItemsTable("a:" + name.slice(2));
    }
  }

  private createItemsTable(name: string): void {
    const t = quoteIdent(name);
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT NOT NULL, pos INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (id, pos)) WITHOUT ROWID`);
    // Membership and removal find an item's first position by one index descent.
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdent("j:" + name)} ON ${t} (id, item, pos)`);
    // Each array's version token (arrayStat), beside and not in the stored records.
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdent("v:" + name.slice(2))} (id TEXT PRIMARY KEY NOT NULL, ver TEXT NOT NULL) WITHOUT ROWID`);
  }

  /** Creates the type's tables (and schema indexes) on first write; returns the main table's quoted name. */
  private ensureTable(type: string, indices: string[] = this.schema[type]?.indices ?? []): string {
    const name = tableName(type);
    const t = quoteIdent(name);
    if (this.tables.has(name)) return t;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, arr INTEGER)`);
    this.createItemsTable(itemsTableName(type));
    for (const field of indices) {
      const expr = fieldExpression(field);
      if (!expr) continue; // searched by scanning instead
      const index = quoteIdent(`i:${encodeName(type)}:${encodeName(field)}`);
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${index} ON ${t} (${expr})`);
    }
    this.tables.add(name);
    return t;
  }
}

/** A main-table row: JSON value text, and the length when the value is an array kept as items. */
interface StoredRow {
  value: string;
  arr: number | null;
}
