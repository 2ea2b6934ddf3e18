import path from "node:path";
import {
  Databank,
  DatabankError,
  NoSuchThingError,
  AlreadyExistsError,
  AlreadyConnectedError,
  NotConnectedError,
  WrongTypeError,
  type DatabankParams,
  type Schema,
} from "databank";
import { SqliteStore, describeError } from "./sqlite-store";
import type { BatchOp } from "./batch";

export { tableName, fieldExpression } from "./sqlite-store";

type Callback<T = unknown> = (err: Error | null, value?: T) => void;
type Done = (err: Error | null) => void;

/** File name used inside `params.dir`. */
export const DEFAULT_FILE_NAME = "pumpio.sqlite3";
/** How long one operation keeps retrying on lock contention before it gives up. */
const RETRY_LIMIT_MS = 30_000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Operations that return nothing call back with exactly one argument, as
 * databank's own drivers do: vows and Step take a second `undefined` for a value.
 */
function only(cb: Done): Callback {
  return (err) => cb(err);
}

/** databank's matchesCriteria: every dotted property loosely equals its wanted value. */
function matches(value: unknown, criteria: Record<string, unknown>): boolean {
  // Loose equality on purpose: it is databank's rule.
  return Object.entries(criteria).every(([field, wanted]) => Databank.deepProperty(value, field) == wanted);
}

/**
 * The databank driver for the embedded default storage: one SQLite file in
 * WAL mode, shared safely by every cluster worker process. Each write is one
 * BEGIN IMMEDIATE transaction, so read-modify-write operations (incr,
 * append, remove ...) are atomic across processes; lock contention is
 * retried with backoff and never reaches the caller. `batch` runs the
 * writes of a whole transaction (databank/transaction.ts) in one.
 *
 * params: `file` (path, or ":memory:"), else `dir` (default "./data",
 * created if missing) holding pumpio.sqlite3; `busyTimeout` (ms, default
 * 5000); `schema` (databank schema; `indices` become SQLite indexes).
 */
export class SqliteDatabank extends Databank {
  override schema: Schema;
  /** How often an operation met lock contention and was retried (for monitoring). */
  busyRetries = 0;
  private readonly params: DatabankParams;
  private store: SqliteStore | null = null;
  private connecting = false;

  constructor(params: DatabankParams = {}) {
    super(params);
    this.params = params;
    this.schema = params.schema ?? {};
  }

  /** The database file in use, null when not connected. */
  get file(): string | null {
    return this.store?.file ?? null;
  }

  override connect(params: object | null, cb: Done): void {
    if (this.store || this.connecting) return void setImmediate(cb, new AlreadyConnectedError());
    this.connecting = true;
    const settings: DatabankParams = { ...this.params, ...(params ?? {}) };
    this.schema = settings.schema ?? this.schema;
    const file =
      typeof settings.file === "string" && settings.file !== ""
        ? settings.file
        : path.join(typeof settings.dir === "string" ? settings.dir : "./data", DEFAULT_FILE_NAME);
    const busyTimeout = typeof settings.busyTimeout === "number" ? settings.busyTimeout : 5000;
    this.retrying(
      () => {
        this.store = new SqliteStore(file, busyTimeout, this.schema);
      },
      (err) => {
        this.connecting = false;
        cb(err);
      },
    );
  }

  override disconnect(cb: Done): void {
    const store = this.store;
    if (!store) return void setImmediate(cb, new NotConnectedError());
    this.store = null;
    let error: Error | null = null;
    try {
      store.close();
    } catch (err) {
      error = new DatabankError(`Cannot close SQLite database ${store.file}: ${describeError(err)}`);
    }
    setImmediate(cb, error);
  }

  override create(type: string, id: string, value: unknown, cb: Callback): void {
    const work = (s: SqliteStore) => {
      if (!s.insert(type, id, value)) throw new AlreadyExistsError(type, id);
      return value;
    };
    // A value that is no array is one INSERT, atomic on its own: no BEGIN/COMMIT
    // around it (every signed request stores its nonce so).
    if (Array.isArray(value)) this.write(cb, work);
    else this.single(cb, work);
  }
  override read(type: string, id: string, cb: Callback): void {
    this.query(cb, (s) => s.get(type, id));
  }
  override update(type: string, id: string, value: unknown, cb: Callback): void {
    this.write(cb, (s) => {
      if (!s.replace(type, id, value)) throw new NoSuchThingError(type, id);
      return value;
    });
  }
  override save(type: string, id: string, value: unknown, cb: Callback): void {
    this.write(cb, (s) => {
      s.put(type, id, value);
      return value;
    });
  }
  override del(type: string, id: string, cb: Done): void {
    this.write(only(cb), (s) => {
      if (!s.delete(type, id)) throw new NoSuchThingError(type, id);
    });
  }
  /**
   * `read` that answers null for a missing value instead of an error: a
   * miss is common (create checks, optional records) and databank's
   * NoSuchThingError captures a stack trace each time.
   */
  lookup(type: string, id: string, cb: Callback): void {
    this.query(cb, (s) => s.find(type, id) ?? null);
  }
  override readAll(type: string, ids: string[], cb: Callback<Record<string, unknown>>): void {
    this.query(cb, (s) => s.getMany(type, ids));
  }

  override search(type: string, criteria: Record<string, unknown>, onResult: (v: any) => void, cb: Done): void {
    this.query(
      (err, found?: unknown[]) => {
        if (err) return cb(err);
        for (const value of found ?? []) onResult(value);
        cb(null);
      },
      (s) => s.candidates(type, criteria).filter((v) => matches(v, criteria)),
    );
  }
  override scan(type: string, onResult: (v: any) => void, cb: Done): void {
    this.search(type, {}, onResult, cb);
  }

  /** The query plan behind `search` (for operators and tests). */
  explainSearch(type: string, criteria: Record<string, unknown>): string[] {
    if (!this.store) throw new NotConnectedError();
    return this.store.explain(type, criteria);
  }

  // databank's base class routes incr, decr and decrBy here, append and
  // prepend to appendAll and prependAll, and remove to removeAll.
  override incrBy(type: string, id: string, n: number, cb: Callback<number>): void {
    this.write(cb, (s) => {
      const current = s.find(type, id);
      if (current !== undefined && typeof current !== "number") throw new WrongTypeError(type, id, "number");
      const next = (current ?? 0) + n;
      s.put(type, id, next);
      return next;
    });
  }

  override appendAll(type: string, id: string, items: unknown[], cb: Done): void {
    this.write(only(cb), (s) => s.appendAll(type, id, items));
  }
  /** Batched fan-out append (see Bank.appendToMany): one transaction for all `ids`. */
  appendToManyIfAbsent(type: string, ids: string[], item: unknown, cb: Callback<string[]>): void {
    this.write(cb, (s) => s.appendToManyIfAbsent(type, ids, item));
  }
  override prependAll(type: string, id: string, items: unknown[], cb: Done): void {
    this.write(only(cb), (s) => s.prependAll(type, id, items));
  }

  override item(type: string, id: string, index: number, cb: Callback): void {
    this.query(cb, (s) => s.item(type, id, index));
  }
  override slice(type: string, id: string, start: number, end: number, cb: Callback<unknown[]>): void {
    this.query(cb, (s) => s.slice(type, id, start, end));
  }
  override indexOf(type: string, id: string, item: unknown, cb: Callback<number>): void {
    this.query(cb, (s) => s.indexOf(type, id, item));
  }
  override length(type: string, id: string, cb: Callback<number>): void {
    this.query(cb, (s) => s.arrayLength(type, id));
  }
  /** `length` with the array's version token (see SqliteStore.arrayStat, Bank.arrayStat). */
  lengthAndVersion(type: string, id: string, cb: Callback<{ length: number; version: string | null }>): void {
    this.query(cb, (s) => s.arrayStat(type, id));
  }
  /** Batched `length` (see Bank.lengths): missing ids are absent from the answer. */
  lengthAll(type: string, ids: string[], cb: Callback<Record<string, number>>): void {
    this.query(cb, (s) => s.arrayLengths(type, ids));
  }

  override removeAll(type: string, id: string, items: unknown[], cb: Done): void {
    // As databank's default: each item removes its first occurrence.
    this.write(only(cb), (s) => s.removeAll(type, id, items));
  }
  override truncate(type: string, id: string, length: number, cb: Done): void {
    this.write(only(cb), (s) => s.truncate(type, id, length));
  }

  /**
   * Every op of a transaction (databank/transaction.ts) in ONE BEGIN
   * IMMEDIATE transaction: one write-lock handoff between worker processes
   * instead of one per write, and all or nothing.
   */
  batch(ops: BatchOp[], cb: Done): void {
    this.write(only(cb), (s) => {
      for (const o of ops) this.applyOp(s, o);
    });
  }

  private applyOp(s: SqliteStore, o: BatchOp): void {
    switch (o.op) {
      case "create":
        if (!s.insert(o.type, o.id, o.value)) throw new AlreadyExistsError(o.type, o.id);
        return;
      case "createIfAbsent":
        s.insert(o.type, o.id, o.value);
        return;
      case "update":
        if (!s.replace(o.type, o.id, o.value)) throw new NoSuchThingError(o.type, o.id);
        return;
      case "save":
        return s.put(o.type, o.id, o.value);
      case "del":
        if (!s.delete(o.type, o.id)) throw new NoSuchThingError(o.type, o.id);
        return;
      case "incrBy": {
        const current = s.find(o.type, o.id);
        if (current !== undefined && typeof current !== "number") throw new WrongTypeError(o.type, o.id, "number");
        return s.put(o.type, o.id, (current ?? 0) + o.n);
      }
      case "appendAll":
        return s.appendAll(o.type, o.id, o.items);
      case "prependAll":
        return s.prependAll(o.type, o.id, o.items);
      case "removeAll":
        return s.removeAll(o.type, o.id, o.items);
      case "truncate":
        return s.truncate(o.type, o.id, o.length);
    }
  }

  /** Runs `work` in one BEGIN IMMEDIATE transaction, retried on lock contention. */
  private write<T>(cb: Callback<T>, work: (s: SqliteStore) => T): void {
    this.retrying(() => {
      const s = this.store;
      if (!s) throw new NotConnectedError();
      return s.immediate(() => work(s));
    }, cb);
  }

  /** Runs `work`, a single write statement (SQLite makes it atomic), retried on lock contention. */
  private single<T>(cb: Callback<T>, work: (s: SqliteStore) => T): void {
    this.retrying(() => {
      const s = this.store;
      if (!s) throw new NotConnectedError();
      return work(s);
    }, cb);
  }

  /**
   * Runs read-only `work`. Every read is a single statement, which SQLite
   * runs on one consistent WAL snapshot; taking the write lock for it would
   * only queue readers behind writers.
   */
  private query<T>(cb: Callback<T>, work: (s: SqliteStore) => T): void {
    this.retrying(() => {
      if (!this.store) throw new NotConnectedError();
      return work(this.store);
    }, cb);
  }

  /**
   * Calls `attempt` until it succeeds, fails with something other than lock
   * contention, or contention outlasts RETRY_LIMIT_MS; then calls back
   * exactly once, from a later turn of the event loop and outside any try,
   * so an exception thrown by the callback stays the caller's.
   */
  private retrying<T>(attempt: () => T, cb: Callback<T>): void {
    const started = Date.now();
    const tryOnce = (n: number): void => {
      let value: T;
      try {
        value = attempt();
      } catch (err) {
        if (isBusy(err) && Date.now() - started < RETRY_LIMIT_MS) {
          this.busyRetries++;
          // Randomised, growing backoff so contending processes drift apart.
          setTimeout(tryOnce, Math.random() * Math.min(250, 5 * 2 ** n), n + 1);
          return;
        }
        setImmediate(cb, this.asDatabankError(err));
        return;
      }
      setImmediate(cb, null, value);
    };
    tryOnce(0);
  }

  private asDatabankError(err: unknown): Error {
    if (err instanceof DatabankError) return err;
    const e = new DatabankError(`SQLite error on ${this.file ?? "database"}: ${describeError(err)}`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
}
