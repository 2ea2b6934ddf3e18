// Our built-in `mongodb` databank driver, on the current official MongoDB
// driver. It keeps the document layout of the original databank-mongodb
// (which pins the 2.x driver and cannot talk to MongoDB 6+), so a pump.io
// database it wrote is served unchanged and what we write stays readable by
// it, except for arrays: those are item collections (mongodb-items.ts), as in
// the SQLite and PostgreSQL drivers; an array databank-mongodb wrote is read
// as before and converted on its first write. The layout lives in
// mongodb-layout.ts, counters in mongodb-arrays.ts, connection params in
// mongodb-connection.ts.
import { MongoClient, type Collection, type Db, type Document } from "mongodb";
import {
  Databank,
  DatabankError,
  AlreadyConnectedError,
  AlreadyExistsError,
  NoSuchThingError,
  NotConnectedError,
  type Schema,
} from "databank";
import { SCALAR_FLAG, VALUE_FIELD, criteriaToFilter, docToValue, indexSpecs, valueToDoc, type DocId } from "./mongodb-layout";
import { planConnection, scrub, type ConnectionPlan, type MongoParams } from "./mongodb-connection";
import * as lists from "./mongodb-arrays";
import * as items from "./mongodb-items";

type Callback<T> = (err: Error | null, value?: T) => void;

/**
 * Runs `work` and reports to `cb` exactly once, always on a later turn of
 * the event loop (setImmediate, as databank's memory driver does), and
 * outside the promise chain: an exception thrown by the callback itself
 * surfaces as an ordinary uncaught exception instead of being fed back to
 * the same callback as a second, bogus, error.
 */
function settle<T>(cb: Callback<T> | undefined, work: () => Promise<T>, secrets: readonly string[] = []): void {
  work().then(
    (value) => setImmediate(() => cb?.(null, value)),
    (err: unknown) => setImmediate(() => cb?.(asDatabankError(err, secrets))),
  );
}

/** Databank's own errors pass through; anything from the MongoDB driver is wrapped, keeping its cause. */
function asDatabankError(err: unknown, secrets: readonly string[]): Error {
  if (err instanceof DatabankError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new DatabankError(`MongoDB: ${scrub(message, secrets)}`);
  return Object.assign(wrapped, { cause: err });
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

/** A failed connect, naming the target (password removed) and the database. */
function connectError(err: unknown, plan: ConnectionPlan): DatabankError {
  const reason = scrub(err instanceof Error ? err.message : String(err), plan.secrets);
  const dbpart = plan.dbname ? ` database '${plan.dbname}'` : "";
  const wrapped = new DatabankError(`Cannot connect to MongoDB at ${plan.where}${dbpart}: ${reason}`);
  return Object.assign(wrapped, { cause: err });
}

/**
 * The databank driver. Construct with databank-mongodb's params (`host`,
 * `port`, `dbname`, `dbuser`, `dbpass`, `checkSchema`, `rs_name`/`hosts`,
 * `schema`) plus `url` and `options` (MongoClient options); then `connect`.
 * Callback API, databank's error classes, prototype chained to
 * `Databank.prototype` so `instanceof Databank` holds.
 */
export class MongoDatabank extends Databank {
  /** Shared with the caller's params object, as databank drivers do: the suite adds types to it later. */
  override schema: Schema;
  readonly checkSchema: boolean;
  private readonly params: MongoParams;
  private client: MongoClient | null = null;
  private db: Db | null = null;
  private secrets: string[] = [];

  constructor(params: MongoParams = {}) {
    super(params);
    this.params = params;
    this.schema = (params.schema as Schema | undefined) ?? {};
    this.checkSchema = params.checkSchema ?? true;
  }

  /** Connects with the constructor's params (those given here are ignored, as in databank-mongodb). */
  override connect(_params: object, cb: (err: Error | null) => void): void {
    if (this.client) {
      setImmediate(() => cb(new AlreadyConnectedError()));
      return;
    }
    settle<void>(cb, async () => {
      const plan = planConnection(this.params);
      this.secrets = plan.secrets;
      try {
        const mongo = new MongoClient(plan.url, plan.options);
        // Claimed before the first await (this part runs synchronously), so
        // a second connect() while this one is under way is refused.
        this.client = mongo;
        await mongo.connect();
        const db = mongo.db(plan.dbname);
        if (this.checkSchema) await this.ensureIndexes(db);
        this.db = db;
      } catch (err) {
        const failed = this.client;
        this.client = null;
        this.db = null;
        await failed?.close().catch(() => undefined);
        throw connectError(err, plan);
      }
    });
  }

  /** Mirrors databank-mongodb `checkBankSchema`; see `indexSpecs` for the exact indexes. */
  private async ensureIndexes(db: Db): Promise<void> {
    await Promise.all(
      indexSpecs(this.schema).map(async (spec) => {
        try {
          await db.collection(spec.collection).createIndex(spec.key, { name: spec.name });
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw Object.assign(new Error(`creating index '${spec.name}' on '${spec.collection}': ${reason}`), { cause: err });
        }
      }),
    );
  }

  override disconnect(cb: (err: Error | null) => void): void {
    settle<void>(cb, async () => {
      const client = this.client;
      if (!client || !this.db) throw new NotConnectedError();
      this.client = null;
      this.db = null;
      this.itemIndexes.clear();
      await client.close();
    });
  }

  /** The collection for `type` (databank-mongodb: one collection per type, named as the type). */
  private coll(type: string): Collection {
    if (!this.db) throw new NotConnectedError();
    return this.db.collection(type);
  }

  /** Types whose items collection has its indexes (asked once per type and connection). */
  private itemIndexes = new Map<string, Promise<void>>();

  /** The value and items collections of `type`, the items' indexes created on first use. */
  private async arrayColls(type: string): Promise<items.ArrayColls> {
    if (!this.db) throw new NotConnectedError();
    const db = this.db;
    let ready = this.itemIndexes.get(type);
    if (!ready) {
      ready = items.ensureItemIndexes(db, type);
      this.itemIndexes.set(type, ready);
      ready.catch(() => this.itemIndexes.delete(type));
    }
    await ready;
    return { main: db.collection(type), items: db.collection(items.itemsCollectionName(type)) };
  }

  /** The value a stored document stands for; an item array is read from its items. */
  private async decodeDoc(type: string, doc: Document): Promise<unknown> {
    if (items.isItemArray(doc)) return items.allItems(await this.arrayColls(type), doc._id as DocId);
    return docToValue(this.schema, type, doc);
  }

  /**
   * Writes `value` as type/id through `write` (given the document to
   * store): an array becomes an item array (its document, then its items);
   * when `write` reports the document it replaced held items and the new
   * value is no array, those items go.
   */
  private async storeValue(type: string, id: string, value: unknown, write: (doc: Document) => Promise<Document | null | "none">): Promise<unknown> {
    const doc = valueToDoc(this.schema, type, id, value);
    const list = doc[SCALAR_FLAG] && Array.isArray(doc[VALUE_FIELD]) ? (doc[VALUE_FIELD] as unknown[]) : null;
    const before = await write(list ? items.arrayDoc(id, list.length) : doc);
    if (list) await items.replaceItems(await this.arrayColls(type), id, list);
    else if (before !== "none" && items.isItemArray(before)) await items.clearItems(await this.arrayColls(type), id);
    return list ?? docToValue(this.schema, type, doc);
  }

  private run<T>(cb: Callback<T> | undefined, work: () => Promise<T>): void {
    settle(cb, work, this.secrets);
  }

  override create(type: string, id: string, value: unknown, cb: Callback<unknown>): void {
    this.run(cb, () =>
      this.storeValue(type, id, value, async (doc) => {
        try {
          await this.coll(type).insertOne(doc);
        } catch (err) {
          if (isDuplicateKey(err)) throw new AlreadyExistsError(type, id);
          throw err;
        }
        return "none";
      }),
    );
  }

  override read(type: string, id: string, cb: Callback<unknown>): void {
    this.run(cb, async () => {
      const doc = await this.coll(type).findOne({ _id: id as DocId } as Document);
      if (!doc) throw new NoSuchThingError(type, id);
      return this.decodeDoc(type, doc);
    });
  }

  override update(type: string, id: string, value: unknown, cb: Callback<unknown>): void {
    this.run(cb, () =>
      this.storeValue(type, id, value, async (doc) => {
        const before = await this.coll(type).findOneAndReplace({ _id: id as DocId } as Document, doc, { returnDocument: "before" });
        if (!before) throw new NoSuchThingError(type, id);
        return before;
      }),
    );
  }

  override save(type: string, id: string, value: unknown, cb: Callback<unknown>): void {
    this.run(cb, () =>
      this.storeValue(type, id, value, async (doc) => {
        const coll = this.coll(type);
        const replace = () => coll.findOneAndReplace({ _id: id as DocId } as Document, doc, { upsert: true, returnDocument: "before" });
        try {
          return await replace();
        } catch (err) {
          // Two first saves of one id at once: one insert loses the race; it
          // is now an update of the winner's document.
          if (!isDuplicateKey(err)) throw err;
          return replace();
        }
      }),
    );
  }

  override del(type: string, id: string, cb: (err: Error | null) => void): void {
    this.run(cb, async () => {
      const before = await this.coll(type).findOneAndDelete({ _id: id as DocId } as Document);
      if (!before) throw new NoSuchThingError(type, id);
      if (items.isItemArray(before)) await items.clearItems(await this.arrayColls(type), id);
    });
  }

  override search(type: string, criteria: Record<string, unknown>, onResult: (value: any) => void, cb: (err: Error | null) => void): void {
    this.run(cb, async () => {
      const filter = criteriaToFilter(this.schema, type, criteria);
      for await (const doc of this.coll(type).find(filter)) onResult(await this.decodeDoc(type, doc));
    });
  }

  override scan(type: string, onResult: (value: any) => void, cb: (err: Error | null) => void): void {
    this.run(cb, async () => {
      for await (const doc of this.coll(type).find()) onResult(await this.decodeDoc(type, doc));
    });
  }

  /** Mirrors databank-mongodb `readAll`: one `$in` query; ids not found map to null. */
  override readAll(type: string, ids: string[], cb: Callback<Record<string, unknown>>): void {
    this.run(cb, async () => {
      const coll = this.coll(type);
      const results: Record<string, unknown> = {};
      for (const id of ids) results[id] = null;
      if (ids.length === 0) return results;
      for await (const doc of coll.find({ _id: { $in: ids } } as Document)) {
        results[String(doc._id)] = await this.decodeDoc(type, doc);
      }
      return results;
    });
  }

  // Counters and lists: one atomic server-side operation each. incr, decr,
  // decrBy, append, prepend and remove are databank's defaults, which
  // delegate to incrBy, appendAll, prependAll and removeAll below.

  override incrBy(type: string, id: string, n: number, cb: Callback<number>): void {
    this.run(cb, async () => lists.incrBy(this.coll(type), type, id, n));
  }

  override appendAll(type: string, id: string, list: unknown[], cb: (err: Error | null) => void): void {
    this.run(cb, async () => items.pushAll(await this.arrayColls(type), type, id, list, false));
  }

  override prependAll(type: string, id: string, list: unknown[], cb: (err: Error | null) => void): void {
    this.run(cb, async () => items.pushAll(await this.arrayColls(type), type, id, list, true));
  }

  override removeAll(type: string, id: string, list: unknown[], cb: (err: Error | null) => void): void {
    this.run(cb, async () => items.removeAll(await this.arrayColls(type), type, id, list));
  }

  override truncate(type: string, id: string, length: number, cb: (err: Error | null) => void): void {
    this.run(cb, async () => items.truncate(await this.arrayColls(type), type, id, length));
  }

  override slice(type: string, id: string, start: number, end: number, cb: Callback<unknown[]>): void {
    this.run(cb, async () => items.slice(await this.arrayColls(type), type, id, start, end));
  }

  override item(type: string, id: string, index: number, cb: Callback<unknown>): void {
    this.run(cb, async () => items.item(await this.arrayColls(type), type, id, index));
  }

  override indexOf(type: string, id: string, item: unknown, cb: Callback<number>): void {
    this.run(cb, async () => items.indexOf(await this.arrayColls(type), type, id, item));
  }

  override length(type: string, id: string, cb: Callback<number>): void {
    this.run(cb, async () => items.length(await this.arrayColls(type), type, id));
  }

  /** Batched `length` (see Bank.lengths): one aggregation; missing ids are absent from the answer. */
  lengthAll(type: string, ids: string[], cb: Callback<Record<string, number>>): void {
    this.run(cb, async () => items.lengths(await this.arrayColls(type), type, ids));
  }
}
