import { AlreadyExistsError, DatabankError, NoSuchThingError, WrongTypeError } from "databank";
import { Bank } from "./bank";
import { hasBatch, runSequentially, type BatchOp } from "./batch";
import { snapshot } from "./snapshot";

/** The largest batched read whose records a transaction keeps for reading again. */
const KEEP_BATCH = 16;

/**
 * A Bank whose writes are buffered, then stored all together or not at all
 * by `inTransaction`. Why: a POST makes a dozen small writes (object,
 * activity, indexes, outbox and inbox appends, the fan-out job); on SQLite
 * each was its own BEGIN IMMEDIATE, a write-lock handoff between worker
 * processes, and a failure half-way left half a post behind.
 *
 * Nothing is locked while the work runs (it may await anything); the
 * writes go to the store in one transaction at the end. Reads see the
 * transaction's own record writes (create/save/update/del/incr); reading
 * an array this transaction wrote is refused (not needed by any caller,
 * and an overlay of array edits would be a second store). `search` and
 * `scan` see only what is committed.
 *
 * A record is read from the store at most once per transaction (find,
 * read, readAll and the existence checks of writes share what was read,
 * and `remember` adds what the caller read just before): a POST asked for
 * the poster's person five times. Nothing is locked while the work runs,
 * so a second read could only have seen another request's commit, which
 * the buffered writes do not look at either.
 */
export class TxBank extends Bank {
  readonly ops: BatchOp[] = [];
  /** type\0id → the value written here (undefined: deleted here). */
  private readonly records = new Map<string, { value: unknown }>();
  private readonly arrays = new Set<string>();
  /** type\0id → a committed value read in this transaction (a snapshot; null: none stored). */
  private readonly seen = new Map<string, unknown>();
  /** Ids given to createFresh: minted just now, so in no stored array yet. */
  private readonly fresh = new Set<string>();
  private readonly hooks: (() => unknown)[] = [];

  constructor(readonly base: Bank) {
    super(base.raw, base.driver);
  }

  /** Runs `fn` once the transaction has committed (never if it fails), in order; awaited by inTransaction. */
  afterCommit(fn: () => unknown): void {
    this.hooks.push(fn);
  }

  override connect(): Promise<void> {
    return Promise.reject(new DatabankError("connect inside a transaction"));
  }
  override disconnect(): Promise<void> {
    return Promise.reject(new DatabankError("disconnect inside a transaction"));
  }

  private mine(type: string, id: string): { value: unknown } | undefined {
    const key = `${type}\0${id}`;
    if (this.arrays.has(key)) throw new DatabankError(`${type} ${id} was changed as an array in this transaction`);
    return this.records.get(key);
  }
  private async current(type: string, id: string): Promise<{ value: unknown } | null> {
    const own = this.mine(type, id);
    if (own !== undefined) return own.value === undefined ? null : own;
    const value = await this.committed(type, id);
    return value === null ? null : { value };
  }

  /**
   * Records a committed value the caller has just read (or null: none), so
   * that reads of it in this transaction do not go to the store again.
   */
  remember(type: string, id: string, value: unknown): void {
    this.seen.set(`${type}\0${id}`, value === null || value === undefined ? null : snapshot(value));
  }

  /** The committed value of a record, read from the store once per transaction; a fresh copy each time. */
  private async committed<T>(type: string, id: string): Promise<T | null> {
    const key = `${type}\0${id}`;
    if (!this.seen.has(key)) {
      const value = await this.base.find<T>(type, id);
      if (this.seen.has(key)) return this.copy<T>(key);
      this.seen.set(key, value === null ? null : snapshot(value));
      return value;
    }
    return this.copy<T>(key);
  }
  private copy<T>(key: string): T | null {
    const v = this.seen.get(key);
    return v === null ? null : snapshot(v as T);
  }

  /**
   * The values this transaction wrote or read of one type, by id: what the
   * caller may present after the commit without reading them again.
   * Records it deleted are left out. Call it once the transaction is done:
   * its values are handed over, not copied.
   */
  known(type: string): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const prefix = `${type}\0`;
    for (const [key, v] of this.seen) if (key.startsWith(prefix) && v !== null) out.set(key.slice(prefix.length), v);
    for (const [key, r] of this.records) {
      if (!key.startsWith(prefix)) continue;
      if (r.value === undefined) out.delete(key.slice(prefix.length));
      else out.set(key.slice(prefix.length), r.value);
    }
    return out;
  }

  /** Buffers a record write; the stored value is a snapshot taken now, as a direct write would store. */
  private record(o: BatchOp, value: unknown): void {
    this.ops.push(o);
    this.records.set(`${o.type}\0${o.id}`, { value });
  }


  override async create<T = any>(type: string, id: string, value: T): Promise<T> {
    if (await this.current(type, id)) throw new AlreadyExistsError(type, id);
    const v = snapshot(value);
    this.record({ op: "create", type, id, value: v }, v);
    return value;
  }
  /**
   * create for an id the caller has just minted (a new uuid): no read of
   * the store first. A taken id still fails, with the same
   * AlreadyExistsError, at the commit.
   */
  override async createFresh<T = any>(type: string, id: string, value: T): Promise<T> {
    if (this.mine(type, id)?.value !== undefined) throw new AlreadyExistsError(type, id);
    this.fresh.add(String(id));
    const v = snapshot(value);
    this.record({ op: "create", type, id, value: v }, v);
    return value;
  }
  /** Buffered insert-or-keep: stored at commit unless another writer stored the id first (then theirs stays, no error). */
  override async createIfAbsent<T = any>(type: string, id: string, value: T): Promise<boolean> {
    if (await this.current(type, id)) return false;
    const v = snapshot(value);
    this.record({ op: "createIfAbsent", type, id, value: v }, v);
    return true;
  }
  override async update<T = any>(type: string, id: string, value: T): Promise<T> {
    if (!(await this.current(type, id))) throw new NoSuchThingError(type, id);
    const v = snapshot(value);
    this.record({ op: "update", type, id, value: v }, v);
    return value;
  }
  override async save<T = any>(type: string, id: string, value: T): Promise<T> {
    this.mine(type, id);
    const v = snapshot(value);
    this.record({ op: "save", type, id, value: v }, v);
    return value;
  }
  override async del(type: string, id: string): Promise<void> {
    if (!(await this.current(type, id))) throw new NoSuchThingError(type, id);
    this.ops.push({ op: "del", type, id });
    this.records.set(`${type}\0${id}`, { value: undefined });
  }
  override async incrBy(type: string, id: string, n: number): Promise<number> {
    const now = await this.current(type, id);
    if (now && typeof now.value !== "number") throw new WrongTypeError(type, id, "number");
    const next = ((now?.value as number | undefined) ?? 0) + n;
    this.record({ op: "incrBy", type, id, n }, next);
    return next;
  }
  override incr(type: string, id: string): Promise<number> {
    return this.incrBy(type, id, 1);
  }
  override decr(type: string, id: string): Promise<number> {
    return this.incrBy(type, id, -1);
  }
  override decrBy(type: string, id: string, n: number): Promise<number> {
    return this.incrBy(type, id, -n);
  }

  override async find<T = any>(type: string, id: string): Promise<T | null> {
    const own = this.mine(type, id);
    if (own === undefined) return this.committed<T>(type, id);
    return own.value === undefined ? null : snapshot(own.value as T);
  }
  override async read<T = any>(type: string, id: string): Promise<T> {
    const value = await this.find<T>(type, id);
    if (value === null) throw new NoSuchThingError(type, id);
    return value;
  }
  /**
   * Records read before in this transaction come from there; the rest in
   * one batched read, kept when there are few (an activity's objects), not
   * when there are many (a fan-out reads thousands of persons once each).
   */
  override async readAll<T = any>(type: string, ids: string[]): Promise<Record<string, T | null>> {
    const out: Record<string, T | null> = {};
    const unread = ids.filter((id) => this.mine(type, id) === undefined && !this.seen.has(`${type}\0${id}`));
    if (unread.length > 0) {
      const read = await this.base.readAll<T>(type, unread);
      Object.assign(out, read);
      if (unread.length <= KEEP_BATCH) for (const id of unread) this.seen.set(`${type}\0${id}`, read[id] == null ? null : snapshot(read[id]));
    }
    for (const id of ids) {
      const own = this.mine(type, id);
      if (own !== undefined) out[id] = own.value === undefined ? null : snapshot(own.value as T);
      else if (!(id in out)) out[id] = this.copy<T>(`${type}\0${id}`);
    }
    return out;
  }

  private array(type: string, id: string, o: BatchOp): Promise<void> {
    const key = `${type}\0${id}`;
    if (this.records.has(key)) throw new DatabankError(`${type} ${id} was written as a record in this transaction`);
    this.arrays.add(key);
    this.ops.push(o);
    return Promise.resolve();
  }
  override append(type: string, id: string, item: unknown): Promise<void> {
    return this.appendAll(type, id, [item]);
  }
  override appendAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.array(type, id, { op: "appendAll", type, id, items: snapshot(items) });
  }
  override prepend(type: string, id: string, item: unknown): Promise<void> {
    return this.prependAll(type, id, [item]);
  }
  override prependAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.array(type, id, { op: "prependAll", type, id, items: snapshot(items) });
  }
  override remove(type: string, id: string, item: unknown): Promise<void> {
    return this.removeAll(type, id, [item]);
  }
  override removeAll(type: string, id: string, items: unknown[]): Promise<void> {
    return this.array(type, id, { op: "removeAll", type, id, items: snapshot(items) });
  }
  override truncate(type: string, id: string, length: number): Promise<void> {
    return this.array(type, id, { op: "truncate", type, id, length });
  }

  /**
   * Bank.appendToMany writes through the driver's native batch, which would
   * store at once, outside this transaction: here it is a membership check
   * now and a buffered append per array, stored (or not) with the rest.
   */
  override async appendToMany(type: string, ids: string[], item: unknown): Promise<string[]> {
    const added: string[] = [];
    // An id minted in this transaction (createFresh) is in no stored array: nothing to check.
    const minted = typeof item === "string" && this.fresh.has(item);
    for (const id of new Set(ids.map(String))) {
      const at = minted || this.arrays.has(`${type}\0${id}`) ? -1 : await this.base.positionOf(type, id, item);
      if (at >= 0) continue;
      await this.append(type, id, item);
      added.push(id);
    }
    return added;
  }

  override async item<T = any>(type: string, id: string, index: number): Promise<T> {
    this.mine(type, id);
    return this.base.item<T>(type, id, index);
  }
  override async slice<T = any>(type: string, id: string, start: number, end: number): Promise<T[]> {
    this.mine(type, id);
    return this.base.slice<T>(type, id, start, end);
  }
  override async indexOf(type: string, id: string, item: unknown): Promise<number> {
    this.mine(type, id);
    return this.base.indexOf(type, id, item);
  }
  override async length(type: string, id: string): Promise<number> {
    this.mine(type, id);
    return this.base.length(type, id);
  }
  override async lengths(type: string, ids: string[]): Promise<Map<string, number>> {
    for (const id of ids) this.mine(type, id);
    return this.base.lengths(type, ids);
  }

  /** Stores every buffered write in one transaction (or, without native ones, undoably in order), then runs the hooks. */
  async commit(): Promise<void> {
    const ops = this.ops.splice(0);
    if (ops.length > 0) {
      const raw = this.raw;
      if (hasBatch(raw)) await new Promise<void>((resolve, reject) => raw.batch(ops, (err) => (err ? reject(err) : resolve())));
      else await runSequentially(raw, ops);
    }
    for (const hook of this.hooks.splice(0)) await hook();
  }
}

/**
 * Runs `work` against a transaction over `bank` and stores all its writes
 * at once when it resolves: all or nothing (a throw, or a failing write,
 * stores none of them). Inside another transaction, `work` joins it.
 * Resolves with `work`'s value after the commit and its afterCommit hooks.
 */
export async function inTransaction<T>(bank: Bank, work: (tx: TxBank) => Promise<T>): Promise<T> {
  if (bank instanceof TxBank) return work(bank);
  const tx = new TxBank(bank);
  const value = await work(tx);
  await tx.commit();
  return value;
}
