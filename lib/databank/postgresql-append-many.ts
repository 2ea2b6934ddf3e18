import type { PoolClient } from "pg";
import { WrongTypeError } from "databank";
import { ITEMS, VALUES } from "./postgresql-store";

/**
 * One item appended to many arrays of one type (a fan-out: one activity
 * into thousands of inboxes) in three statements whatever the number of
 * arrays, ids passed as one `text[]` parameter. The caller runs it in one
 * transaction (postgresql.ts `tx`).
 *
 * Same layout and rules as PgStore.appendAll: each array's row gets
 * `hi + 1` as the item's position and `arr + 1`; an array that already
 * holds the item is left alone, so a retried delivery job (or two workers
 * racing on one) lands an activity once. Every row is reached through
 * its unique index (upserts) or a per-id index probe (LATERAL ... LIMIT 1),
 * so the cost follows the number of arrays, never the size of the tables,
 * whatever the planner's statistics say.
 */
export async function appendToManyIfAbsent(c: PoolClient, type: string, list: string[], item: unknown): Promise<string[]> {
  // Sorted: concurrent fan-outs take row locks in one order, so they queue rather than deadlock.
  const ids = [...new Set(list.map(String))].sort();
  if (ids.length === 0) return [];
  const text = JSON.stringify(item ?? null);
  // 1. Every array's row, created empty if missing, then locked until commit (row by row through the primary key).
  await c.query(
    `INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) SELECT $1, u, NULL, 0, 0, -1 FROM unnest($2::text[]) AS u ON CONFLICT (type, id) DO NOTHING`,
    [type, ids],
  );
  const locked = await c.query<{ id: string; arr: number | null }>(
    `SELECT v.id, v.arr FROM unnest($2::text[]) AS u(id) CROSS JOIN LATERAL (SELECT id, arr FROM ${VALUES} WHERE type = $1 AND id = u.id FOR UPDATE) v`,
    [type, ids],
  );
  const wrong = locked.rows.find((r) => r.arr === null);
  if (wrong) throw new WrongTypeError(type, wrong.id, "array");
  // 2. A new statement, so a new snapshot: it sees the items of a racing run that held the locks first.
  const added = await c.query<{ id: string }>(
    `WITH todo AS (
       SELECT u.id FROM unnest($2::text[]) AS u(id)
       LEFT JOIN LATERAL (SELECT 1 AS hit FROM ${ITEMS} i WHERE i.type = $1 AND i.id = u.id AND i.item = $3 LIMIT 1) h ON true
       WHERE h.hit IS NULL
     ), moved AS (
       INSERT INTO ${VALUES} AS v (type, id, value, arr, lo, hi) SELECT $1, id, NULL, 0, 0, -1 FROM todo
       ON CONFLICT (type, id) DO UPDATE SET hi = v.hi + 1, arr = v.arr + 1 RETURNING v.id, v.hi
     )
     INSERT INTO ${ITEMS} (type, id, pos, item) SELECT $1, id, hi, $3 FROM moved RETURNING id`,
    [type, ids, text],
  );
  return added.rows.map((r) => r.id);
}
