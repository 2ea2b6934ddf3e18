import { AlreadyExistsError, NoSuchThingError, type DatabankInstance, type Schema } from "databank";

/**
 * How many arrays one native `appendToManyIfAbsent` call (one transaction)
 * covers: big enough that a 10,000-follower fan-out is a few dozen
 * statements, small enough that one transaction never holds the write lock
 * (SQLite) or thousands of row locks (PostgreSQL) for long.
 */
export const APPEND_MANY_CHUNK = 250;

/**
 * The promise facade over a databank driver instance. Everything in lib/
 * talks to storage through this class (async/await only); the callback API
 * of databank stays behind this one seam.
 */
export class Bank {
  readonly raw: DatabankInstance;
  readonly driver: string;

  constructor(raw: DatabankInstance, driver: string) {
    this.raw = raw;
    this.driver = driver;
  }

  /** Calls a callback-style driver method and settles with its result. */
  private call<T>(method: keyof DatabankInstance, ...args: unknown[]): Promise<T> {
    const fn = this.raw[method] as unknown as (...a: unknown[]) => void;
    return new Promise<T>((resolve, reject) => {
      fn.call(this.raw, ...args, (err: Error | null, value?: T) => (err ? reject(err) : resolve(value as T)));
    });
  }

  connect(params: object = {}): Promise<void> {
    return this.call("connect", params);
  }
  disconnect(): Promise<void> {
    return this.call("disconnect");
  }
  create<T = any>(type: string, id: string, value: T): Promise<T> {
    return this.call("create", type, id, value);
  }
  /**
   * `create` for an id the caller has just minted: a transaction
   * (transaction.ts) skips its read-before-create; a taken id still fails
   * with AlreadyExistsError. The same as `create` here.
   */
  createFresh<T = any>(type: string, id: string, value: T): Promise<T> {
    return this.create(type, id, value);
  }
  /**
   * Stores `value` unless the id already has one (then leaves that one):
   * true when this call stored it. For values any of several concurrent
   * requests may create (a shared collection object).
   */
  async createIfAbsent<T = any>(type: string, id: string, value: T): Promise<boolean> {
    try {
      await this.create(type, id, value);
      return true;
    } catch (err) {
      if (err instanceof AlreadyExistsError) return false;
      throw err;
    }
  }
  read<T = any>(type: string, id: string): Promise<T> {
    return this.call("read", type, id);
  }
  /** The value, or null when there is none (the one place that turns NoSuchThingError into null). */
  async find<T = any>(type: string, id: string): Promise<T | null> {
    // Drivers with a `lookup` answer a miss with null, without building an error.
    if (typeof (this.raw as unknown as { lookup?: unknown }).lookup === "function") return this.call<T | null>("lookup" as keyof DatabankInstance, type, id);
    try {
      return await this.read<T>(type, id);
    } catch (err) {
      if (err instanceof NoSuchThingError) return null;
      throw err;
    }
  }
  update<T = any>(type: string, id: string, value: T): Promise<T> {
    return this.call("update", type, id, value);
  }
  save<T = any>(type: string, id: string, value: T): Promise<T> {
    return this.call("save", type, id, value);
  }
  del(type: string, id: string): Promise<void> {
    return this.call("del", type, id);
  }
  readAll<T = any>(type: string, ids: string[]): Promise<Record<string, T | null>> {
    return this.call("readAll", type, ids);
  }
  incr(type: string, id: string): Promise<number> {
    return this.call("incr", type, id);
  }
  decr(type: string, id: string): Promise<number> {
    return this.call("decr", type, id);
  }
  incrBy(type: string, id: string, n: number): Promise<number> {
    return this.call("incrBy", type, id, n);
  }
  decrBy(type: string, id: string, n: number): Promise<number> {
    return this.call("decrBy", type, id, n);
  }
  append(type: string, id: string, item: unknown): Promise<void> {
    return this.call("append", type, id, item);
  }
  prepend(type: string, id: string, item: unknown): Promise<void> {
    return this.call("prepend", type, id, item);
  }
  appendAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.call("appendAll", type, id, items);
  }
  prependAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.call("prependAll", type, id, items);
  }
  item<T = any>(type: string, id: string, index: number): Promise<T> {
    return this.call("item", type, id, index);
  }
  slice<T = any>(type: string, id: string, start: number, end: number): Promise<T[]> {
    return this.call("slice", type, id, start, end);
  }
  indexOf(type: string, id: string, item: unknown): Promise<number> {
    return this.call("indexOf", type, id, item);
  }
  /** indexOf, with -1 for an array never written (NoSuchThing) as for an item not in it. */
  async positionOf(type: string, id: string, item: unknown): Promise<number> {
    try {
      return await this.indexOf(type, id, item);
    } catch (err) {
      if (err instanceof NoSuchThingError) return -1;
      throw err;
    }
  }
  remove(type: string, id: string, item: unknown): Promise<void> {
    return this.call("remove", type, id, item);
  }
  removeAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.call("removeAll", type, id, items);
  }
  length(type: string, id: string): Promise<number> {
    return this.call("length", type, id);
  }
  /**
   * Length of an array and a version token that changes with every write
   * to it, where the driver keeps one (SQLite); version null elsewhere,
   * which promises nothing. NoSuchThingError as `length`.
   */
  async arrayStat(type: string, id: string): Promise<{ length: number; version: string | null }> {
    const native = (this.raw as unknown as { lengthAndVersion?: unknown }).lengthAndVersion;
    if (typeof native !== "function") return { length: await this.length(type, id), version: null };
    return new Promise((resolve, reject) => {
      native.call(this.raw, type, id, (err: Error | null, v?: { length: number; version: string | null }) => (err ? reject(err) : resolve(v!)));
    });
  }
  /**
   * Lengths of many arrays of one type (0 for an id with no value). One
   * query where the driver has a batched `lengthAll` (SQLite, MongoDB);
   * one `length` per id elsewhere.
   */
  async lengths(type: string, ids: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(ids)];
    const out = new Map<string, number>();
    if (unique.length === 0) return out;
    const batched = (this.raw as unknown as { lengthAll?: unknown }).lengthAll;
    if (typeof batched === "function") {
      const found = await new Promise<Record<string, number>>((resolve, reject) => {
        batched.call(this.raw, type, unique, (err: Error | null, v?: Record<string, number>) => (err ? reject(err) : resolve(v ?? {})));
      });
      for (const id of unique) out.set(id, found[id] ?? 0);
      return out;
    }
    const counts = await Promise.all(
      unique.map((id) =>
        this.length(type, id).catch((err: unknown) => {
          if (err instanceof NoSuchThingError) return 0;
          throw err;
        }),
      ),
    );
    unique.forEach((id, i) => out.set(id, counts[i]!));
    return out;
  }
  /**
   * How many batched calls of one fan-out (appendToMany chunks, batched
   * reads) to keep in flight: what the driver says (PostgreSQL: 2, a
   * server with several cores answers both at once), else 1 (an embedded
   * database works in this process: a second call would only delay the
   * other requests between them).
   */
  get inFlight(): number {
    const n = Math.floor(Number((this.raw as unknown as { appendManyInFlight?: number }).appendManyInFlight ?? 1));
    return n >= 1 ? n : 1;
  }

  /**
   * Appends one item to MANY arrays of one type, skipping each array that
   * already holds it (so a retried fan-out lands once); returns the ids it
   * was appended to. Arrays with no value are created. Native where the
   * driver has `appendToManyIfAbsent` (SQLite, PostgreSQL: a few multi-row
   * statements in one transaction per chunk); one `indexOf` and `append`
   * per id elsewhere (memory, MongoDB).
   *
   * `opts.lazy`: the caller is a queued job that runs again if this is
   * lost, and whose own removal is stored durably after it; a driver may
   * then commit without waiting for the disk (PostgreSQL).
   */
  async appendToMany(type: string, ids: string[], item: unknown, opts: { lazy?: boolean } = {}): Promise<string[]> {
    const unique = [...new Set(ids.map(String))];
    const native = (this.raw as unknown as { appendToManyIfAbsent?: unknown }).appendToManyIfAbsent;
    if (typeof native !== "function") return this.appendToManyByOne(type, unique, item);
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += APPEND_MANY_CHUNK) chunks.push(unique.slice(i, i + APPEND_MANY_CHUNK));
    const added: string[][] = [];
    // Chunks are disjoint, each its own transaction locking its rows in
    // sorted order, so `inFlight` of them may run at once.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < chunks.length) {
        const at = next++;
        added[at] = await new Promise<string[]>((resolve, reject) => {
          native.call(this.raw, type, chunks[at], item, (err: Error | null, v?: string[]) => (err ? reject(err) : resolve(v ?? [])), opts);
        });
      }
    };
    const lanes = Math.min(chunks.length, this.inFlight);
    await Promise.all(Array.from({ length: lanes }, lane));
    return added.flat();
  }

  /** Fallback runs of one bank, one after another (a memory bank's check-then-append is then atomic). */
  private appendQueue: Promise<unknown> = Promise.resolve();

  /** appendToMany without a native batch: a membership check and an append per id. */
  private appendToManyByOne(type: string, ids: string[], item: unknown): Promise<string[]> {
    const run = async (): Promise<string[]> => {
      const added: string[] = [];
      for (const id of ids) {
        if ((await this.positionOf(type, id, item)) >= 0) continue;
        await this.append(type, id, item);
        added.push(id);
      }
      return added;
    };
    const result = this.appendQueue.then(run, run);
    this.appendQueue = result.catch(() => undefined);
    return result;
  }
  truncate(type: string, id: string, length: number): Promise<void> {
    return this.call("truncate", type, id, length);
  }

  /** All values of `type` matching `criteria` (dotted keys, exact match); [] when none. */
  search<T = any>(type: string, criteria: Record<string, unknown>): Promise<T[]> {
    const results: T[] = [];
    return new Promise((resolve, reject) => {
      this.raw.search(type, criteria, (v) => results.push(v), (err) => (err ? reject(err) : resolve(results)));
    });
  }

  /** Calls `onResult` for every value of `type`. */
  scan<T = any>(type: string, onResult: (value: T) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.scan(type, onResult, (err) => (err ? reject(err) : resolve()));
    });
  }

  get schema(): Schema {
    return this.raw.schema ?? {};
  }
}
