import type { PoolClient } from "pg";
import { WrongTypeError } from "databank";
import { ITEMS, VALUES } from "./postgresql-store";

/**
 * One item appended to many arrays of one type (a fan-out: one activity
 * into thousands of inboxes) in five statements whatever the number of
 * arrays, ids passed as one `text[]` parameter. The caller runs it in one
 * transaction (postgresql.ts `tx`).
 *
 * Same layout and rules as PgStore.appendAll: each array's row gets
 * `hi + 1` as the item's position and `arr + 1`, under the row lock taken
 * here; an array that already holds the item is left alone, so a retried
 * delivery job (or two workers racing on one) lands an activity once:
 * the second waits for the first's row locks, then sees its items.
 */
export async function appendToManyIfAbsent(c: PoolClient, type: string, list: string[], item: unknown): Promise<string[]> {
  // Sorted: concurrent fan-outs take row locks in one order, so they queue rather than deadlock.
  const ids = [...new Set(list.map(String))].sort();
  if (ids.length === 0) return [];
  const text = JSON.stringify(item ?? null);
  await c.query(
    `INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) SELECT $1, u, NULL, 0, 0, -1 FROM unnest($2::text[]) AS u ON CONFLICT (type, id) DO NOTHING`,
    [type, ids],
  );
  const locked = await c.query<{ id: string; arr: number | null }>(
    `SELECT id, arr FROM ${VALUES} WHERE type = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
    [type, ids],
  );
  const wrong = locked.rows.find((r) => r.arr === null);
  if (wrong) throw new WrongTypeError(type, wrong.id, "array");
  const present = await c.query<{ id: string }>(`SELECT DISTINCT id FROM ${ITEMS} WHERE type = $1 AND id = ANY($2::text[]) AND item = $3`, [type, ids, text]);
  const skip = new Set(present.rows.map((r) => r.id));
  const todo = ids.filter((id) => !skip.has(id));
  if (todo.length === 0) return [];
  const moved = await c.query<{ id: string; hi: string }>(
    `UPDATE ${VALUES} SET hi = hi + 1, arr = arr + 1 WHERE type = $1 AND id = ANY($2::text[]) RETURNING id, hi`,
    [type, todo],
  );
  await c.query(
    `INSERT INTO ${ITEMS} (type, id, pos, item) SELECT $1, u.i, u.p, $4 FROM unnest($2::text[], $3::bigint[]) AS u(i, p)`,
    [type, moved.rows.map((r) => r.id), moved.rows.map((r) => r.hi), text],
  );
  return todo;
}
