import type { PoolClient } from "pg";
import { AlreadyExistsError, NoSuchThingError, WrongTypeError } from "databank";
import type { BatchOp } from "./batch";
import { ITEMS, VALUES } from "./postgresql-store";

/** The server-side function of a batch; versioned, so a newer driver never calls an older body. */
const FN = "pump_batch_v1";
/** SQLSTATEs it raises (MESSAGE is the type, DETAIL the id). */
const EXISTS = "PUMPE";
const MISSING = "PUMPN";
const NOT_AN_ARRAY = "PUMPW";

/**
 * A transaction's writes (databank/transaction.ts: a POST's object,
 * activity, indexes, outbox and inbox appends and its job) in ONE round
 * trip: one call of a PL/pgSQL function, its own transaction, instead of
 * BEGIN, three or four statements per write and COMMIT (two dozen round
 * trips per POST). Each op means what PgStore's method of the same name
 * does (postgresql-store.ts), with the same statements and row locks.
 * Values travel as the JSON text the driver stores (never re-encoded by
 * the server, so key order and numbers stay as written).
 *
 * Only the ops of a POST take this path (`fitsOneCall`); a batch with any
 * other (incrBy, prependAll, removeAll, truncate, a whole array value)
 * runs op by op as before.
 */
export function batchSchemaSql(): string[] {
  return [
    `CREATE OR REPLACE FUNCTION ${FN}(ops json) RETURNS void
     LANGUAGE plpgsql VOLATILE AS $fn$
     #variable_conflict use_column
     DECLARE o json; k text; t text; i text; n bigint; h bigint;
     BEGIN
       FOR o IN SELECT e FROM json_array_elements(ops) AS e LOOP
         k := o->>'op'; t := o->>'type'; i := o->>'id';
         IF k = 'create' OR k = 'createIfAbsent' THEN
           INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) VALUES (t, i, o->>'value', NULL, NULL, NULL) ON CONFLICT (type, id) DO NOTHING;
           GET DIAGNOSTICS n = ROW_COUNT;
           IF n = 0 AND k = 'create' THEN RAISE EXCEPTION USING ERRCODE = '${EXISTS}', MESSAGE = t, DETAIL = i; END IF;
         ELSIF k = 'save' THEN
           DELETE FROM ${ITEMS} WHERE type = t AND id = i;
           INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) VALUES (t, i, o->>'value', NULL, NULL, NULL)
             ON CONFLICT (type, id) DO UPDATE SET value = EXCLUDED.value, arr = NULL, lo = NULL, hi = NULL;
         ELSIF k = 'update' THEN
           DELETE FROM ${ITEMS} WHERE type = t AND id = i;
           UPDATE ${VALUES} SET value = o->>'value', arr = NULL, lo = NULL, hi = NULL WHERE type = t AND id = i;
           GET DIAGNOSTICS n = ROW_COUNT;
           IF n = 0 THEN RAISE EXCEPTION USING ERRCODE = '${MISSING}', MESSAGE = t, DETAIL = i; END IF;
         ELSIF k = 'del' THEN
           DELETE FROM ${ITEMS} WHERE type = t AND id = i;
           DELETE FROM ${VALUES} WHERE type = t AND id = i;
           GET DIAGNOSTICS n = ROW_COUNT;
           IF n = 0 THEN RAISE EXCEPTION USING ERRCODE = '${MISSING}', MESSAGE = t, DETAIL = i; END IF;
         ELSIF k = 'appendAll' THEN
           -- The array's row, created empty if missing; the update takes the positions and locks it until commit.
           INSERT INTO ${VALUES} (type, id, value, arr, lo, hi) VALUES (t, i, NULL, 0, 0, -1) ON CONFLICT (type, id) DO NOTHING;
           n := json_array_length(o->'items');
           UPDATE ${VALUES} SET hi = hi + n, arr = arr + n WHERE type = t AND id = i AND arr IS NOT NULL RETURNING hi INTO h;
           IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = '${NOT_AN_ARRAY}', MESSAGE = t, DETAIL = i; END IF;
           INSERT INTO ${ITEMS} (type, id, pos, item)
             SELECT t, i, h - n + e.ord, e.x FROM json_array_elements_text(o->'items') WITH ORDINALITY AS e(x, ord);
         ELSE
           RAISE EXCEPTION 'pump batch: unknown op %', k;
         END IF;
       END LOOP;
     END
     $fn$`,
  ];
}

/** True when every op of the batch is one the function applies (see batchSchemaSql). */
export function fitsOneCall(ops: BatchOp[]): boolean {
  return ops.every((o) => {
    switch (o.op) {
      case "create":
      case "createIfAbsent":
      case "save":
      case "update":
        return !Array.isArray(o.value);
      case "del":
      case "appendAll":
        return true;
      default:
        return false;
    }
  });
}

/** Applies the batch in one statement (its own transaction); databank's errors as PgStore throws them. */
export async function applyInOneCall(c: PoolClient, ops: BatchOp[]): Promise<void> {
  const wire = ops.map((o) => {
    switch (o.op) {
      case "create":
      case "createIfAbsent":
      case "save":
      case "update":
        return { op: o.op, type: o.type, id: String(o.id), value: JSON.stringify(o.value ?? null) };
      case "appendAll":
        return { op: o.op, type: o.type, id: String(o.id), items: o.items.map((x) => JSON.stringify(x ?? null)) };
      default:
        return { op: o.op, type: o.type, id: String(o.id) };
    }
  });
  try {
    await c.query(`SELECT ${FN}($1::json)`, [JSON.stringify(wire)]);
  } catch (err) {
    const { code, message, detail } = err as { code?: string; message: string; detail?: string };
    if (code === EXISTS) throw new AlreadyExistsError(message, detail ?? "");
    if (code === MISSING) throw new NoSuchThingError(message, detail ?? "");
    if (code === NOT_AN_ARRAY) throw new WrongTypeError(message, detail ?? "", "array");
    throw err;
  }
}
