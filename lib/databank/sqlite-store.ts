import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DatabankError, NoSuchThingError, WrongTypeError, type Schema } from "databank";

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
    const sql = `SELECT value FROM ${quoteIdent(tableName(type))} WHERE id = ?`;
    const row = this.stmt(sql).get(String(id)) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }
  get(type: string, id: string): unknown {
    const value = this.find(type, id);
    if (value === undefined) throw new NoSuchThingError(type, id);
    return value;
  }
  getArray(type: string, id: string): unknown[] {
    const value = this.get(type, id);
    if (!Array.isArray(value)) throw new WrongTypeError(type, id, "array");
    return value;
  }

  /** Values by id (null where missing), in one statement however many ids. */
  getMany(type: string, ids: string[]): Record<string, unknown> {
    const results: Record<string, unknown> = {};
    for (const id of ids) results[String(id)] = null;
    if (ids.length === 0 || !this.hasTable(type)) return results;
    const sql = `SELECT id, value FROM ${quoteIdent(tableName(type))} WHERE id IN (SELECT value FROM json_each(?))`;
    const rows = this.stmt(sql).all(JSON.stringify(ids.map(String))) as { id: string; value: string }[];
    for (const row of rows) results[row.id] = JSON.parse(row.value);
    return results;
  }

  /** Inserts unless the id exists; false if it did. */
  insert(type: string, id: string, value: unknown): boolean {
    const sql = `INSERT INTO ${this.ensureTable(type)} (id, value) VALUES (?, ?) ON CONFLICT(id) DO NOTHING`;
    return this.stmt(sql).run(String(id), toJson(value)).changes > 0;
  }
  /** Replaces an existing value; false if there was none. */
  replace(type: string, id: string, value: unknown): boolean {
    const sql = `UPDATE ${this.ensureTable(type)} SET value = ? WHERE id = ?`;
    return this.stmt(sql).run(toJson(value), String(id)).changes > 0;
  }
  /** Inserts or replaces. */
  put(type: string, id: string, value: unknown): void {
    const t = this.ensureTable(type);
    const sql = `INSERT INTO ${t} (id, value) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value`;
    this.stmt(sql).run(String(id), toJson(value));
  }
  /** Deletes; false if there was nothing to delete. */
  delete(type: string, id: string): boolean {
    return this.stmt(`DELETE FROM ${this.ensureTable(type)} WHERE id = ?`).run(String(id)).changes > 0;
  }

  /**
   * Candidate values for a search. Only criteria on schema indices narrow
   * the SQL (an index lookup, compared type-strictly); the caller applies
   * databank's own matching rule to every candidate.
   */
  candidates(type: string, criteria: Record<string, unknown>): unknown[] {
    if (!this.hasTable(type)) return [];
    const { sql, params } = this.searchSql(type, criteria);
    return (this.stmt(sql).all(...params) as { value: string }[]).map((r) => JSON.parse(r.value));
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
    return { sql: `SELECT value FROM ${quoteIdent(tableName(type))}${clause}`, params };
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
    const name = tableName(type);
    if (this.tables.has(name)) return true;
    const found = this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
    if (found) this.tables.add(name);
    return Boolean(found);
  }

  /** Creates the type's table (and schema indexes) on first write; returns its quoted name. */
  private ensureTable(type: string, indices: string[] = this.schema[type]?.indices ?? []): string {
    const name = tableName(type);
    const t = quoteIdent(name);
    if (this.tables.has(name)) return t;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
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
