import type { PoolClient } from "pg";
import { WrongTypeError } from "databank";
import { ITEMS, VALUES } from "./postgresql-store";

/** The server-side function of a fan-out; versioned, so a newer driver never calls an older body. */
const FN = "pump_append_many_v1";
/** SQLSTATE the function raises when one of the ids holds a value that is not an array. */
const NOT_AN_ARRAY = "PUMPW";

/**
 * One item appended to many arrays of one type (a fan-out: one activity
 * into thousands of inboxes), as one call of a PL/pgSQL function: one
 * round trip and one implicit transaction per call whatever the number
 * of arrays (it was BEGIN, three statements and COMMIT), ids passed as
 * one `text[]` parameter. Its three statements are those the driver sent
 * before, in the same order and with the same locks:
 *
 * 1. every array's row, created empty if missing, then locked until
 *    commit (row by row through the primary key, in the caller's sorted
 *    order, so concurrent fan-outs queue rather than deadlock);
 * 2. a value that is not an array fails the whole call (WrongType);
 * 3. a new statement, so a new snapshot (a VOLATILE function in READ
 *    COMMITTED takes one per statement): it sees the items of a racing
 *    run that held the locks first, and appends to the arrays that lack
 *    the item, at `hi + 1`, `arr + 1`.
 *
 * An array that already holds the item is left alone, so a retried
 * delivery job (or two workers racing on one) lands an activity once.
 * Every row is reached through its unique index (upserts) or a per-id
 * index probe (LATERAL ... LIMIT 1), so the cost follows the number of
 * arrays, never the size of the tables, whatever the planner's statistics
 * say.
 *
 * `lazy`: the transaction commits without waiting for its WAL to reach
 * the disk (synchronous_commit off, for this transaction only). Visible
 * to every reader at once; durable with the next synchronous commit of
 * any session. Only for work that a durable job redoes if it is lost:
 * the job's own removal is a synchronous commit after it, so a crash
 * either keeps both or leaves the job to run again (idempotently).
 */
export function appendManySchemaSql(): string[] {
  return [
    `CREATE OR REPLACE FUNCTION ${FN}(t text, ids text[], it text, lazy boolean) RETURNS SETOF text
     LANGUAGE plpgsql VOLATILE AS $fn$
     #variable_conflict use_column
     DECLARE bad text; bad_arr integer;
     BEGIN
       IF lazy THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
       INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) SELECT t, u, NULL, 0, 0, -1 FROM unnest(ids) AS u ON CONFLICT (type, id) DO NOTHING;
       -- Sorting the (locked) rows puts a non-array first; the lateral probes still lock in the ids' order.
       SELECT v.id, v.arr INTO bad, bad_arr
         FROM unnest(ids) WITH ORDINALITY AS u(id, n)
         CROSS JOIN LATERAL (SELECT p.id, p.arr FROM ${VALUES} p WHERE p.type = t AND p.id = u.id FOR UPDATE) v
         ORDER BY (v.arr IS NULL) DESC LIMIT 1;
       IF FOUND AND bad_arr IS NULL THEN
         RAISE EXCEPTION USING ERRCODE = '${NOT_AN_ARRAY}', MESSAGE = bad;
       END IF;
       RETURN QUERY
         WITH todo AS (
           SELECT u.id FROM unnest(ids) AS u(id)
           LEFT JOIN LATERAL (SELECT 1 AS hit FROM ${ITEMS} i WHERE i.type = t AND i.id = u.id AND i.item = it LIMIT 1) h ON true
           WHERE h.hit IS NULL
         ), moved AS (
           INSERT INTO ${VALUES} AS v (type, id, value, arr, lo, hi) SELECT t, id, NULL, 0, 0, -1 FROM todo
           ON CONFLICT (type, id) DO UPDATE SET hi = v.hi + 1, arr = v.arr + 1 RETURNING v.id, v.hi
         ), placed AS (
           INSERT INTO ${ITEMS} (type, id, pos, item) SELECT t, id, hi, it FROM moved RETURNING id
         )
         SELECT id FROM placed;
     END
     $fn$`,
  ];
}

/**
 * See appendManySchemaSql. One statement, so the caller runs it outside
 * an explicit transaction (it is its own) and retries it on deadlock.
 */
export async function appendToManyIfAbsent(c: PoolClient, type: string, list: string[], item: unknown, lazy = false): Promise<string[]> {
  // Sorted: concurrent fan-outs take row locks in one order, so they queue rather than deadlock.
  const ids = [...new Set(list.map(String))].sort();
  if (ids.length === 0) return [];
  try {
    const r = await c.query<{ id: string }>(`SELECT ${FN}($1, $2::text[], $3, $4) AS id`, [type, ids, JSON.stringify(item ?? null), lazy]);
    return r.rows.map((row) => row.id);
  } catch (err) {
    if ((err as { code?: string }).code === NOT_AN_ARRAY) throw new WrongTypeError(type, (err as Error).message, "array");
    throw err;
  }
}
