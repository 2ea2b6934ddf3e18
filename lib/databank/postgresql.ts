import { Client, Pool, type PoolClient, type PoolConfig } from "pg";
import {
  Databank,
  DatabankError,
  AlreadyConnectedError,
  NotConnectedError,
  type DatabankParams,
  type Schema,
} from "databank";
import { PgStore, schemaSql } from "./postgresql-store";
import { appendManySchemaSql, appendToManyIfAbsent } from "./postgresql-append-many";
import { applyInOneCall, batchSchemaSql, fitsOneCall } from "./postgresql-batch";
import type { BatchOp } from "./batch";

type Callback<T = unknown> = (err: Error | null, value?: T) => void;
type Done = (err: Error | null) => void;

/** Serialization failures and deadlocks: the transaction is retried. */
const RETRYABLE = new Set(["40001", "40P01"]);

/** databank's matchesCriteria: every dotted property loosely equals its wanted value. */
function matches(value: unknown, criteria: Record<string, unknown>): boolean {
  // Loose equality on purpose: it is databank's rule.
  return Object.entries(criteria).every(([field, wanted]) => Databank.deepProperty(value, field) == wanted);
}

/**
 * The databank driver for sites on several machines: PostgreSQL through
 * `pg`. Every operation is one transaction on a pooled connection, so
 * read-modify-write operations (incr, append, remove ...) are atomic across
 * every process of every machine on the same database.
 *
 * params: `url` (a postgres:// connection string) or `host`, `port`,
 * `user`, `password`, `database`; `poolSize` (default 10); `schema`.
 */
export class PostgresDatabank extends Databank {
  override schema: Schema;
  private readonly params: DatabankParams;
  private pool: Pool | null = null;
  private config: PoolConfig | null = null;

  constructor(params: DatabankParams = {}) {
    super(params);
    this.params = params;
    this.schema = params.schema ?? {};
  }

  override connect(params: object | null, cb: Done): void {
    if (this.pool) return void setImmediate(cb, new AlreadyConnectedError());
    const settings: DatabankParams = { ...this.params, ...(params ?? {}) };
    this.schema = settings.schema ?? this.schema;
    const config: PoolConfig = {
      connectionString: typeof settings.url === "string" ? settings.url : undefined,
      host: settings.host as string | undefined,
      port: settings.port as number | undefined,
      user: settings.user as string | undefined,
      password: settings.password as string | undefined,
      database: (settings.database ?? settings.dbname) as string | undefined,
      max: typeof settings.poolSize === "number" ? settings.poolSize : 10,
    };
    this.config = config;
    const pool = new Pool(config);
    // An idle connection that dies (server restart) must not crash the process.
    pool.on("error", () => undefined);
    this.pool = pool;
    this.settle(
      (async () => {
        const c = await pool.connect();
        try {
          // One creator at a time: concurrent CREATE ... IF NOT EXISTS can still collide in the catalog.
          await c.query("SELECT pg_advisory_lock(7413001)");
          for (const sql of [...schemaSql(this.schema), ...appendManySchemaSql(), ...batchSchemaSql()]) await c.query(sql);
          await c.query("SELECT pg_advisory_unlock(7413001)");
        } finally {
          c.release();
        }
      })().catch(async (err: unknown) => {
        this.pool = null;
        await pool.end().catch(() => undefined);
        throw new DatabankError(`Cannot use PostgreSQL database: ${(err as Error).message}`);
      }),
      only(cb),
    );
  }

  override disconnect(cb: Done): void {
    const pool = this.pool;
    if (!pool) return void setImmediate(cb, new NotConnectedError());
    this.pool = null;
    this.settle(pool.end(), only(cb));
  }

  override create(type: string, id: string, value: unknown, cb: Callback): void {
    this.write(value, cb, async (s) => (await s.insert(type, id, value), value));
  }
  override read(type: string, id: string, cb: Callback): void {
    this.run(cb, (s) => s.get(type, id));
  }
  override update(type: string, id: string, value: unknown, cb: Callback): void {
    this.write(value, cb, async (s) => (await s.replace(type, id, value), value));
  }
  override save(type: string, id: string, value: unknown, cb: Callback): void {
    this.write(value, cb, async (s) => (await s.put(type, id, value), value));
  }
  override del(type: string, id: string, cb: Done): void {
    this.run(only(cb), (s) => s.delete(type, id));
  }
  override readAll(type: string, ids: string[], cb: Callback<Record<string, unknown>>): void {
    this.run(cb, (s) => s.getMany(type, ids));
  }
  override search(type: string, criteria: Record<string, unknown>, onResult: (v: any) => void, cb: Done): void {
    this.run(
      (err, found?: unknown[]) => {
        if (err) return cb(err);
        for (const value of found ?? []) onResult(value);
        cb(null);
      },
      async (s) => (await s.candidates(type, criteria)).filter((v) => matches(v, criteria)),
    );
  }
  override scan(type: string, onResult: (v: any) => void, cb: Done): void {
    this.search(type, {}, onResult, cb);
  }

  // databank's base class routes incr, decr and decrBy here, append and
  // prepend to appendAll and prependAll, and remove to removeAll.
  override incrBy(type: string, id: string, n: number, cb: Callback<number>): void {
    this.tx(cb, (s) => s.incrBy(type, id, n));
  }

  override appendAll(type: string, id: string, items: unknown[], cb: Done): void {
    this.tx(only(cb), (s) => s.appendAll(type, id, items));
  }
  /**
   * Batched fan-out append (see Bank.appendToMany): one statement, its own
   * transaction, for all `ids`; `opts.lazy` commits it without waiting for
   * the disk (postgresql-append-many.ts says when that is safe). The
   * options come after the callback so that callers of the SQLite driver's
   * four-argument form call both alike.
   */
  /** Chunks of one Bank.appendToMany run at once: two, so a fan-out uses a second core of the server, and leaves the pool's other connections to requests. */
  readonly appendManyInFlight = 2;

  appendToManyIfAbsent(type: string, ids: string[], item: unknown, cb: Callback<string[]>, opts: { lazy?: boolean } = {}): void {
    this.retrying(cb, (s) => appendToManyIfAbsent(s.client, type, ids, item, opts.lazy === true), false);
  }
  override prependAll(type: string, id: string, items: unknown[], cb: Done): void {
    this.tx(only(cb), (s) => s.prependAll(type, id, items));
  }
  override item(type: string, id: string, index: number, cb: Callback): void {
    this.run(cb, (s) => s.item(type, id, index));
  }
  // Reads of a length and then a page are two statements without a
  // transaction (fewer round trips): a write between them shifts the page
  // as a write just before the read would, which paging already allows.
  override slice(type: string, id: string, start: number, end: number, cb: Callback<unknown[]>): void {
    this.run(cb, (s) => s.slice(type, id, start, end));
  }
  override indexOf(type: string, id: string, item: unknown, cb: Callback<number>): void {
    this.run(cb, (s) => s.indexOf(type, id, item));
  }
  override length(type: string, id: string, cb: Callback<number>): void {
    this.run(cb, (s) => s.length(type, id));
  }
  override removeAll(type: string, id: string, items: unknown[], cb: Done): void {
    // As databank's default: each item removes its first occurrence.
    this.tx(only(cb), (s) => s.removeAll(type, id, items));
  }
  override truncate(type: string, id: string, length: number, cb: Done): void {
    this.tx(only(cb), (s) => s.truncate(type, id, length));
  }

  /** Every op of a transaction (databank/transaction.ts) in one PostgreSQL transaction: all or nothing. */
  batch(ops: BatchOp[], cb: Done): void {
    // A POST's writes: one round trip (postgresql-batch.ts).
    if (ops.length > 0 && fitsOneCall(ops)) return this.retrying(only(cb), (s) => applyInOneCall(s.client, ops), false);
    this.tx(only(cb), async (s) => {
      for (const o of ops) await applyOp(s, o);
    });
  }

  /**
   * Publishes a message on a channel to every listener on the database
   * (every worker of every machine): PostgreSQL's NOTIFY, delivered after
   * commit, at most 8000 bytes.
   */
  async notify(channel: string, payload: string): Promise<void> {
    await this.withClient((c) => c.query("SELECT pg_notify($1, $2)", [channel, payload]));
  }

  /**
   * Listens on a channel with a dedicated connection (LISTEN needs one that
   * stays open), reconnecting after a drop. Returns the function that stops.
   */
  async listen(channel: string, onMessage: (payload: string) => void, onError: (err: unknown) => void = () => {}): Promise<() => Promise<void>> {
    if (!this.config) throw new NotConnectedError();
    const config = this.config;
    let stopped = false;
    let client: Client | null = null;
    const open = async (): Promise<void> => {
      const c = new Client(config);
      c.on("notification", (n) => {
        if (n.channel === channel && typeof n.payload === "string") onMessage(n.payload);
      });
      c.on("error", (err) => {
        onError(err);
        c.end().catch(() => undefined);
        // Retry until stopped: updates published while disconnected are lost, which realtime tolerates (clients re-read on reconnect).
        if (!stopped) setTimeout(() => void open().catch(onError), 1000).unref();
      });
      await c.connect();
      await c.query(`LISTEN ${quoteChannel(channel)}`);
      if (stopped) await c.end();
      else client = c;
    };
    await open();
    return async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
      client = null;
    };
  }

  /**
   * One SQL statement on a pooled connection, outside databank's interface:
   * for the job queue's claim (`FOR UPDATE SKIP LOCKED`, queue/pg-claim.ts),
   * which databank's operations cannot express. Returns the rows.
   */
  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.withClient(async (c) => (await c.query(sql, params)).rows as R[]);
  }

  /** A whole-value write: one statement (no transaction) unless the value is an array. */
  private write<T>(value: unknown, cb: Callback<T>, work: (s: PgStore) => Promise<T>): void {
    if (Array.isArray(value)) this.tx(cb, work);
    else this.run(cb, work);
  }

  /** Work without a transaction on any pooled connection (single statements, reads). */
  private run<T>(cb: Callback<T>, work: (s: PgStore) => Promise<T>): void {
    this.settle(this.withClient((c) => work(new PgStore(c, this.schema))), cb);
  }

  /** `work` in one transaction, retried on serialization failures and deadlocks. */
  private tx<T>(cb: Callback<T>, work: (s: PgStore) => Promise<T>): void {
    this.retrying(cb, work, true);
  }

  /**
   * `work` retried on serialization failures and deadlocks; in a
   * transaction of its own when `begin`, else `work` is one statement
   * (its own transaction).
   */
  private retrying<T>(cb: Callback<T>, work: (s: PgStore) => Promise<T>, begin: boolean): void {
    const attempt = async (n: number): Promise<T> => {
      try {
        return await this.withClient(async (c) => {
          if (!begin) return work(new PgStore(c, this.schema));
          await c.query("BEGIN ISOLATION LEVEL READ COMMITTED");
          try {
            const value = await work(new PgStore(c, this.schema));
            await c.query("COMMIT");
            return value;
          } catch (err) {
            await c.query("ROLLBACK").catch(() => undefined);
            throw err;
          }
        });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && RETRYABLE.has(code) && n < 20) {
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** n)));
          return attempt(n + 1);
        }
        throw err;
      }
    };
    this.settle(attempt(0), cb);
  }

  private async withClient<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    const pool = this.pool;
    if (!pool) throw new NotConnectedError();
    const c = await pool.connect();
    try {
      return await work(c);
    } finally {
      c.release();
    }
  }

  /** Calls back once, on a later turn and outside any try, with databank's errors as they are. */
  private settle<T>(p: Promise<T>, cb: Callback<T>): void {
    p.then(
      (value) => setImmediate(cb, null, value),
      (err: unknown) => {
        // NoSuchThing, AlreadyExists, WrongType ... are databank's; anything from pg is wrapped.
        const e = err instanceof DatabankError ? err : Object.assign(new DatabankError(`PostgreSQL error: ${(err as Error).message}`), { cause: err });
        setImmediate(cb, e);
      },
    );
  }
}

/** A channel name as a quoted SQL identifier (LISTEN takes no parameters). */
function quoteChannel(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Operations that return nothing call back with exactly one argument, as databank's own drivers do. */
function only(cb: Done): Callback {
  return (err) => cb(err);
}

/** One op of a batch, meaning what the databank method of the same name means. */
async function applyOp(s: PgStore, o: BatchOp): Promise<void> {
  switch (o.op) {
    case "create":
      return s.insert(o.type, o.id, o.value);
    case "createIfAbsent":
      await s.insertIfAbsent(o.type, o.id, o.value);
      return;
    case "update":
      return s.replace(o.type, o.id, o.value);
    case "save":
      return s.put(o.type, o.id, o.value);
    case "del":
      return s.delete(o.type, o.id);
    case "incrBy":
      await s.incrBy(o.type, o.id, o.n);
      return;
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
