import type { PoolClient } from "pg";
import { AlreadyExistsError, NoSuchItemError, NoSuchThingError, WrongTypeError, type Schema } from "databank";

/**
 * The SQL side of the PostgreSQL databank driver (postgresql.ts). Two
 * tables hold every databank type:
 *
 * - `pump_values (type, id, value, arr, lo, hi)`: one row per value (JSON text,
 *   kept as written).
 *   For an array, `value` is null and `arr` its length; its items live in
 * - `pump_items (type, id, pos, item)`: one row per array item, ordered by
 *   `pos`. `hi`/`lo` in the value's row are the last positions used at
 *   either end, so append and prepend take positions with one row update
 *   (which also locks the array against concurrent writers until commit).
 *
 * Streams are therefore item collections, as in the SQLite driver: append,
 * count, membership and a page cost O(page) plus index descents, whatever
 * the length. Schema indices become partial expression indexes on
 * `value::jsonb #>> path` for their type.
 */

type Row = { value: string | null; arr: number | null };

export const VALUES = "pump_values";
export const ITEMS = "pump_items";

/** Tables and indexes; idempotent, run at connect. */
export function schemaSql(schema: Schema): string[] {
  const out = [
    `CREATE TABLE IF NOT EXISTS ${VALUES} (type text NOT NULL, id text NOT NULL, value text, arr integer, lo bigint, hi bigint, PRIMARY KEY (type, id))`,
    `CREATE TABLE IF NOT EXISTS ${ITEMS} (type text NOT NULL, id text NOT NULL, pos bigint NOT NULL, item text NOT NULL, PRIMARY KEY (type, id, pos))`,
    // Membership and removal find an item's first position by one index descent.
    `CREATE INDEX IF NOT EXISTS pump_items_item ON ${ITEMS} (type, id, item, pos)`,
  ];
  for (const [type, def] of Object.entries(schema)) {
    for (const field of def.indices ?? []) {
      const name = indexName(type, field);
      out.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${VALUES} ((value::jsonb #>> ${pathLiteral(field)})) WHERE type = ${literal(type)}`);
    }
  }
  return out;
}

/** A stable, safe index name for (type, field): Postgres truncates at 63 bytes, so hash. */
function indexName(type: string, field: string): string {
  let h = 2166136261;
  for (const ch of `${type}\u0000${field}`) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return `pump_idx_${h.toString(16)}`;
}
function literal(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}
function pathLiteral(field: string): string {
  return literal("{" + field.split(".").map((p) => '"' + p.replace(/["\\]/g, (c) => "\\" + c) + '"').join(",") + "}");
}
function itemText(item: unknown): string {
  return JSON.stringify(item ?? null);
}

export class PgStore {
  constructor(
    private readonly c: PoolClient,
    private readonly schema: Schema,
  ) {}

  /** The connection (in the driver's transaction) for SQL kept in other files (postgresql-append-many.ts). */
  get client(): PoolClient {
    return this.c;
  }

  private async row(type: string, id: string, lock = false): Promise<Row | undefined> {
    const sql = `SELECT value, arr FROM ${VALUES} WHERE type = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`;
    return (await this.c.query<Row>(sql, [type, id])).rows[0];
  }

  private async items(type: string, id: string): Promise<unknown[]> {
    const r = await this.c.query<{ item: string }>(`SELECT item FROM ${ITEMS} WHERE type = $1 AND id = $2 ORDER BY pos`, [type, id]);
    return r.rows.map((x) => JSON.parse(x.item));
  }

  private async decode(type: string, id: string, row: Row): Promise<unknown> {
    return row.arr === null ? JSON.parse(row.value ?? "null") : this.items(type, id);
  }

  async find(type: string, id: string): Promise<unknown> {
    const row = await this.row(type, id);
    return row ? this.decode(type, id, row) : undefined;
  }

  async get(type: string, id: string): Promise<unknown> {
    const v = await this.find(type, id);
    if (v === undefined) throw new NoSuchThingError(type, id);
    return v;
  }

  async getMany(type: string, ids: string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const id of ids) out[String(id)] = null;
    if (ids.length === 0) return out;
    const r = await this.c.query<Row & { id: string }>(`SELECT id, value, arr FROM ${VALUES} WHERE type = $1 AND id = ANY($2::text[])`, [type, ids.map(String)]);
    for (const row of r.rows) out[row.id] = await this.decode(type, row.id, row);
    return out;
  }

  /**
   * Writes a whole value (array or not), replacing items. A value that is
   * not an array is one statement (safe outside a transaction); an array
   * is several, so the driver runs it in one.
   */
  private async writeValue(type: string, id: string, value: unknown, mode: "insert" | "update" | "upsert"): Promise<boolean> {
    const isArr = Array.isArray(value);
    const params = [type, id, isArr ? null : JSON.stringify(value ?? null), isArr ? value.length : null, isArr ? 0 : null, isArr ? value.length - 1 : null];
    const cols = "(type, id, value, arr, lo, hi) VALUES ($1, $2, $3, $4, $5, $6)";
    // Items of a value that was an array go with it (a new row has none).
    const clear = mode === "insert" ? "" : `WITH cleared AS (DELETE FROM ${ITEMS} WHERE type = $1 AND id = $2) `;
    let sql: string;
    if (mode === "insert") sql = `INSERT INTO ${VALUES} ${cols} ON CONFLICT (type, id) DO NOTHING`;
    else if (mode === "upsert") sql = `${clear}INSERT INTO ${VALUES} ${cols} ON CONFLICT (type, id) DO UPDATE SET value = EXCLUDED.value, arr = EXCLUDED.arr, lo = EXCLUDED.lo, hi = EXCLUDED.hi`;
    else sql = `${clear}UPDATE ${VALUES} SET value = $3, arr = $4, lo = $5, hi = $6 WHERE type = $1 AND id = $2`;
    const done = ((await this.c.query(sql, params)).rowCount ?? 0) > 0;
    if (done && isArr && value.length > 0) await this.insertItems(type, id, 0, value);
    return done;
  }

  private async insertItems(type: string, id: string, firstPos: number, list: unknown[]): Promise<void> {
    const positions = list.map((_, i) => firstPos + i);
    await this.c.query(
      `INSERT INTO ${ITEMS} (type, id, pos, item) SELECT $1, $2, p, i FROM unnest($3::bigint[], $4::text[]) AS u(p, i)`,
      [type, id, positions, list.map(itemText)],
    );
  }

  /** Inserts unless the id is taken; true when it inserted. */
  insertIfAbsent(type: string, id: string, value: unknown): Promise<boolean> {
    return this.writeValue(type, id, value, "insert");
  }
  async insert(type: string, id: string, value: unknown): Promise<void> {
    if (!(await this.writeValue(type, id, value, "insert"))) throw new AlreadyExistsError(type, id);
  }
  async replace(type: string, id: string, value: unknown): Promise<void> {
    if (!(await this.writeValue(type, id, value, "update"))) throw new NoSuchThingError(type, id);
  }
  async put(type: string, id: string, value: unknown): Promise<void> {
    await this.writeValue(type, id, value, "upsert");
  }
  async delete(type: string, id: string): Promise<void> {
    const sql = `WITH cleared AS (DELETE FROM ${ITEMS} WHERE type = $1 AND id = $2) DELETE FROM ${VALUES} WHERE type = $1 AND id = $2`;
    const r = await this.c.query(sql, [type, id]);
    if ((r.rowCount ?? 0) === 0) throw new NoSuchThingError(type, id);
  }

  /** Adds n to a number value (created as 0), atomically under the row lock. */
  async incrBy(type: string, id: string, n: number): Promise<number> {
    // Create-then-lock: two first increments of a missing counter must not both start from 0.
    await this.c.query(`INSERT INTO ${VALUES} (type, id, value, arr) VALUES ($1, $2, '0', NULL) ON CONFLICT (type, id) DO NOTHING`, [type, id]);
    const row = await this.row(type, id, true);
    const current = row ? (row.arr === null ? (JSON.parse(row.value ?? "null") as unknown) : []) : 0;
    if (typeof current !== "number") throw new WrongTypeError(type, id, "number");
    const next = current + n;
    await this.put(type, id, next);
    return next;
  }

  /** The array's row, locked; created empty when missing; WrongType for a non-array. */
  private async lockArray(type: string, id: string): Promise<void> {
    await this.c.query(`INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) VALUES ($1, $2, NULL, 0, 0, -1) ON CONFLICT (type, id) DO NOTHING`, [type, id]);
    const row = await this.row(type, id, true);
    if (!row || row.arr === null) throw new WrongTypeError(type, id, "array");
  }

  async appendAll(type: string, id: string, list: unknown[]): Promise<void> {
    await this.lockArray(type, id);
    if (list.length === 0) return;
    const r = await this.c.query<{ hi: string }>(
      `UPDATE ${VALUES} SET hi = hi + $3, arr = arr + $3 WHERE type = $1 AND id = $2 RETURNING hi`,
      [type, id, list.length],
    );
    await this.insertItems(type, id, Number(r.rows[0]!.hi) - list.length + 1, list);
  }

  async prependAll(type: string, id: string, list: unknown[]): Promise<void> {
    await this.lockArray(type, id);
    if (list.length === 0) return;
    const r = await this.c.query<{ lo: string }>(
      `UPDATE ${VALUES} SET lo = lo - $3, arr = arr + $3 WHERE type = $1 AND id = $2 RETURNING lo`,
      [type, id, list.length],
    );
    await this.insertItems(type, id, Number(r.rows[0]!.lo), list);
  }

  async length(type: string, id: string): Promise<number> {
    const row = await this.row(type, id);
    if (!row) throw new NoSuchThingError(type, id);
    if (row.arr === null) throw new WrongTypeError(type, id, "array");
    return row.arr;
  }

  /** Items [start, end) with Array.prototype.slice's rules, read from the nearer end. */
  async slice(type: string, id: string, start: number, end: number): Promise<unknown[]> {
    const n = await this.length(type, id);
    const clamp = (x: number | undefined, dflt: number): number => {
      const v = x === undefined || Number.isNaN(Number(x)) ? dflt : Math.trunc(Number(x));
      return v < 0 ? Math.max(0, n + v) : Math.min(n, v);
    };
    const s = clamp(start, 0);
    const e = clamp(end, n);
    if (e <= s) return [];
    const nearStart = s <= n - e;
    const sql = `SELECT item FROM ${ITEMS} WHERE type = $1 AND id = $2 ORDER BY pos ${nearStart ? "ASC" : "DESC"} LIMIT $3 OFFSET $4`;
    const r = await this.c.query<{ item: string }>(sql, [type, id, e - s, nearStart ? s : n - e]);
    const rows = nearStart ? r.rows : r.rows.reverse();
    return rows.map((x) => JSON.parse(x.item));
  }

  async item(type: string, id: string, index: number): Promise<unknown> {
    const n = await this.length(type, id);
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new NoSuchItemError(type, id, index);
    return (await this.slice(type, id, index, index + 1))[0];
  }

  private async firstPos(type: string, id: string, item: unknown): Promise<string | null> {
    const r = await this.c.query<{ p: string | null }>(`SELECT MIN(pos) AS p FROM ${ITEMS} WHERE type = $1 AND id = $2 AND item = $3`, [type, id, itemText(item)]);
    return r.rows[0]?.p ?? null;
  }

  async indexOf(type: string, id: string, item: unknown): Promise<number> {
    // The array's row and the item's first position in one round trip (a membership check is usually a miss).
    const found = await this.c.query<{ arr: number | null; p: string | null }>(
      `SELECT v.arr, (SELECT MIN(pos) FROM ${ITEMS} i WHERE i.type = $1 AND i.id = $2 AND i.item = $3) AS p FROM ${VALUES} v WHERE v.type = $1 AND v.id = $2`,
      [type, id, itemText(item)],
    );
    const row = found.rows[0];
    if (!row) throw new NoSuchThingError(type, id);
    if (row.arr === null) throw new WrongTypeError(type, id, "array");
    const pos = row.p;
    if (pos === null) return -1;
    const r = await this.c.query<{ c: string }>(`SELECT COUNT(*) AS c FROM ${ITEMS} WHERE type = $1 AND id = $2 AND pos < $3`, [type, id, pos]);
    return Number(r.rows[0]!.c);
  }

  async removeAll(type: string, id: string, list: unknown[]): Promise<void> {
    const row = await this.row(type, id, true);
    if (!row) throw new NoSuchThingError(type, id);
    if (row.arr === null) throw new WrongTypeError(type, id, "array");
    for (const item of list) {
      const pos = await this.firstPos(type, id, item);
      if (pos === null) continue;
      await this.c.query(`DELETE FROM ${ITEMS} WHERE type = $1 AND id = $2 AND pos = $3`, [type, id, pos]);
      await this.c.query(`UPDATE ${VALUES} SET arr = arr - 1 WHERE type = $1 AND id = $2`, [type, id]);
    }
  }

  async truncate(type: string, id: string, length: number): Promise<void> {
    const row = await this.row(type, id, true);
    if (!row) throw new NoSuchThingError(type, id);
    if (row.arr === null) throw new WrongTypeError(type, id, "array");
    if (row.arr <= length) return;
    const keep = Math.max(0, Math.floor(length));
    const cut = await this.c.query<{ pos: string }>(`SELECT pos FROM ${ITEMS} WHERE type = $1 AND id = $2 ORDER BY pos LIMIT 1 OFFSET $3`, [type, id, keep]);
    if (cut.rows[0]) await this.c.query(`DELETE FROM ${ITEMS} WHERE type = $1 AND id = $2 AND pos >= $3`, [type, id, cut.rows[0].pos]);
    await this.c.query(`UPDATE ${VALUES} SET arr = $3 WHERE type = $1 AND id = $2`, [type, id, keep]);
  }

  /**
   * Candidate values for a search: criteria on schema indices narrow the
   * SQL (compared as text, which databank's loose equality allows); the
   * caller applies databank's own matching rule to every candidate.
   */
  async candidates(type: string, criteria: Record<string, unknown>): Promise<unknown[]> {
    const where = ["type = $1"];
    const params: unknown[] = [type];
    const indexed = new Set(this.schema[type]?.indices ?? []);
    for (const [field, wanted] of Object.entries(criteria)) {
      if (!indexed.has(field)) continue;
      if (typeof wanted === "string" || (typeof wanted === "number" && Number.isFinite(wanted))) {
        params.push(String(wanted));
        where.push(`(value::jsonb #>> ${pathLiteral(field)}) = $${params.length}`);
      }
    }
    const r = await this.c.query<Row & { id: string }>(`SELECT id, value, arr FROM ${VALUES} WHERE ${where.join(" AND ")}`, params);
    const out: unknown[] = [];
    for (const row of r.rows) out.push(await this.decode(type, row.id, row));
    return out;
  }
}
