import { AlreadyExistsError, NoSuchThingError, type DatabankInstance } from "databank";

/**
 * One write of a batch (see transaction.ts): what a driver with native
 * transactions (SQLite, PostgreSQL) runs in order inside one transaction
 * through its `batch(ops, cb)` method, with each op meaning exactly what the
 * databank method of the same name means.
 */
export type BatchOp =
  | { op: "create" | "update" | "save"; type: string; id: string; value: unknown }
  /** create that leaves a value another writer stored first in place (no error) */
  | { op: "createIfAbsent"; type: string; id: string; value: unknown }
  | { op: "del"; type: string; id: string }
  | { op: "incrBy"; type: string; id: string; n: number }
  | { op: "appendAll" | "prependAll" | "removeAll"; type: string; id: string; items: unknown[] }
  | { op: "truncate"; type: string; id: string; length: number };

type Callback<T = unknown> = (err: Error | null, value?: T) => void;

/** A driver instance that runs a whole batch in one native transaction. */
export interface BatchingDriver {
  batch(ops: BatchOp[], cb: (err: Error | null) => void): void;
}

export function hasBatch(raw: DatabankInstance): raw is DatabankInstance & BatchingDriver {
  return typeof (raw as unknown as Partial<BatchingDriver>).batch === "function";
}

function call<T>(raw: DatabankInstance, method: string, ...args: unknown[]): Promise<T> {
  const fn = (raw as unknown as Record<string, (...a: unknown[]) => void>)[method]!;
  return new Promise<T>((resolve, reject) => {
    fn.call(raw, ...args, (err: Error | null, value?: T) => (err ? reject(err) : resolve(value as T)));
  });
}

async function prior(raw: DatabankInstance, type: string, id: string): Promise<{ value: unknown } | null> {
  try {
    return { value: await call(raw, "read", type, id) };
  } catch (err) {
    if (err instanceof NoSuchThingError) return null;
    throw err;
  }
}

/** Runs one op through the driver's ordinary method. */
function runOp(raw: DatabankInstance, o: BatchOp): Promise<unknown> {
  switch (o.op) {
    case "createIfAbsent":
      return call(raw, "create", o.type, o.id, o.value).catch((err: unknown) => {
        if (!(err instanceof AlreadyExistsError)) throw err;
      });
    case "create":
    case "update":
    case "save":
      return call(raw, o.op, o.type, o.id, o.value);
    case "del":
      return call(raw, "del", o.type, o.id);
    case "incrBy":
      return call(raw, "incrBy", o.type, o.id, o.n);
    case "truncate":
      return call(raw, "truncate", o.type, o.id, o.length);
    default:
      return call(raw, o.op, o.type, o.id, o.items);
  }
}

/**
 * A batch on a driver without native transactions (memory, MongoDB): the
 * ops run one by one, each first noting how to undo itself; when one
 * fails, the ones before it are undone in reverse order and the error is
 * rethrown, so a failed batch leaves nothing of itself behind (barring a
 * crash in the middle, which these drivers cannot rule out). An append
 * is undone by truncating back to the old length, so undo never reads a
 * long stream whole.
 */
export async function runSequentially(raw: DatabankInstance, ops: BatchOp[]): Promise<void> {
  const undo: (() => Promise<unknown>)[] = [];
  try {
    for (const o of ops) {
      const before = o.op === "appendAll" ? await appendedTo(raw, o.type, o.id) : await prior(raw, o.type, o.id);
      if (o.op === "createIfAbsent" && before !== null) continue;
      await runOp(raw, o);
      undo.push(o.op === "appendAll" ? undoAppend(raw, o.type, o.id, before as number | null) : restore(raw, o.type, o.id, before as { value: unknown } | null));
    }
  } catch (err) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    throw err;
  }
}

async function appendedTo(raw: DatabankInstance, type: string, id: string): Promise<number | null> {
  try {
    return await call<number>(raw, "length", type, id);
  } catch (err) {
    if (err instanceof NoSuchThingError) return null;
    throw err;
  }
}

function undoAppend(raw: DatabankInstance, type: string, id: string, length: number | null): () => Promise<unknown> {
  return () => (length === null ? call(raw, "del", type, id) : call(raw, "truncate", type, id, length));
}

function restore(raw: DatabankInstance, type: string, id: string, before: { value: unknown } | null): () => Promise<unknown> {
  return () => (before === null ? call(raw, "del", type, id).catch(() => undefined) : call(raw, "save", type, id, before.value));
}

export type { Callback };
