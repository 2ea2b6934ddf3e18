import type { PoolClient } from "pg";
import { WrongTypeError } from "databank";
import { ITEMS, VALUES } from "./postgresql-store";

/** The server-side function of a fan-out; versioned, so a newer driver never calls an older body. */
const FN = "pump_append_many_v2";
/** SQLSTATE the function raises when one of the ids holds a value that is not an array. */
const NOT_AN_ARRAY = "PUMPW";

/**
 * One item appended to many arrays of one type (a fan-out: one activity
 * into thousands of inboxes), as one call of a PL/pgSQL function: one
 * round trip and one implicit transaction per call whatever the number
 * of arrays (it was BEGIN, three statements and COMMIT), ids passed as
 * one `text[]` parameter.
 *
 * 1. Every array takes its next position (`hi + 1`, `arr + 1`; a missing
 *    array is created holding one), in one upsert that locks each row
 *    until commit, row by row through the primary key in the caller's
 *    sorted order (concurrent fan-outs queue rather than deadlock). A
 *    value that is not an array is not touched and fails the whole call
 *    (WrongType). No separate `FOR UPDATE` pass: the update is the lock,
 *    which saves a WAL record and an index descent per array.
 * 2. A new statement, so a new snapshot (a VOLATILE function in READ
 *    COMMITTED takes one per statement): it sees the items of a racing
 *    run that held a row first. Arrays that already hold the item give
 *    their position back (a retried job; rare) and are left alone, so a
 *    retried delivery job (or two workers racing on one) lands an
 *    activity once.
 * 3. The others get the item at the position they took.
 *
 * Every row is reached through its unique index (upsert) or a per-id
 * index probe (LATERAL ... LIMIT 1), so the cost follows the number of
 * arrays, never the size of the tables, whatever the planner's
 * statistics say.
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
     DECLARE got text[]; at bigint[]; had text[];
     BEGIN
       IF lazy THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
       -- 1. Take the next position of every array (created with it if missing), which locks its row until commit.
       WITH taken AS (
         INSERT INTO ${VALUES} AS v (type, id, value, arr, lo, hi) SELECT t, u, NULL, 1, 0, 0 FROM unnest(ids) AS u
         ON CONFLICT (type, id) DO UPDATE SET hi = v.hi + 1, arr = v.arr + 1 WHERE v.arr IS NOT NULL
         RETURNING v.id, v.hi
       ) SELECT array_agg(id), array_agg(hi) INTO got, at FROM taken;
       IF coalesce(cardinality(got), 0) < cardinality(ids) THEN
         RAISE EXCEPTION USING ERRCODE = '${NOT_AN_ARRAY}',
           MESSAGE = (SELECT u FROM unnest(ids) AS u WHERE u <> ALL (coalesce(got, '{}')) LIMIT 1);
       END IF;
       -- 2. A new statement, so a new snapshot: it sees the items of a racing run that held the rows first.
       SELECT array_agg(u.id) INTO had FROM unnest(got) AS u(id)
         CROSS JOIN LATERAL (SELECT 1 FROM ${ITEMS} i WHERE i.type = t AND i.id = u.id AND i.item = it LIMIT 1) h;
       -- 3. Arrays that had it give their position back (a retried job: rare); the others get the item.
       IF had IS NOT NULL THEN
         UPDATE ${VALUES} SET hi = hi - 1, arr = arr - 1 WHERE type = t AND id = ANY (had);
       END IF;
       RETURN QUERY
         WITH placed AS (
           INSERT INTO ${ITEMS} (type, id, pos, item)
           SELECT t, g.id, g.hi, it FROM unnest(got, at) AS g(id, hi) WHERE had IS NULL OR g.id <> ALL (had)
           RETURNING id
         ) SELECT id FROM placed;
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
