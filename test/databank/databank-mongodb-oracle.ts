// The original databank-mongodb driver (node_modules/databank-mongodb), run
// with its MongoDB 2.x `Db` replaced by a recording stub, so its own code
// tells us, without a server, exactly which documents it writes, how it
// reads documents back, what filter a search sends and which indexes it
// creates. Our layout functions are checked against these answers.
//
// databank-mongodb is untyped CommonJS, so it is loaded with require().
import type { Schema } from "databank";

/* eslint-disable @typescript-eslint/no-require-imports */
const LegacyMongoDatabank = require("databank-mongodb") as new (params: object) => LegacyBank;
// Its own (2.x) copy of the mongodb driver, wherever npm placed it.
const legacyMongo = require(require.resolve("mongodb", { paths: [require.resolve("databank-mongodb")] })) as {
  Db: { prototype: Record<string, unknown> };
};

type Cb = (err: Error | null, value?: any) => void;
interface LegacyBank {
  db: unknown;
  connect(params: object, cb: Cb): void;
  create(type: string, id: unknown, value: unknown, cb: Cb): void;
  read(type: string, id: unknown, cb: Cb): void;
  search(type: string, criteria: Record<string, unknown>, onResult: (v: unknown) => void, cb: Cb): void;
}

/** A stand-in for a 2.x driver collection: records what databank-mongodb asks of it. */
interface StubCollection {
  collectionName: string;
  insert?(rec: unknown, opts: unknown, cb: Cb): void;
  findOne?(sel: unknown, cb: Cb): void;
  find?(criteria: unknown, cb: Cb): void;
}

function bankWith(schema: Schema, coll: Omit<StubCollection, "collectionName">): LegacyBank {
  const bank = new LegacyMongoDatabank({ schema });
  bank.db = {
    collection(name: string, cb: Cb) {
      cb(null, { collectionName: name, ...coll });
    },
  };
  return bank;
}

/** The document databank-mongodb's create() inserts for (type, id, value). */
export function legacyWrite(schema: Schema, type: string, id: unknown, value: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let inserted: Record<string, unknown> | undefined;
    const bank = bankWith(schema, {
      insert(rec, _opts, cb) {
        inserted = structuredClone(rec) as Record<string, unknown>;
        cb(null, { result: { ok: 1 }, ops: [rec] });
      },
    });
    bank.create(type, id, value, (err) => (err ? reject(err) : resolve(inserted!)));
  });
}

/** The value databank-mongodb's read() makes of the stored document `doc`. */
export function legacyRead(schema: Schema, type: string, doc: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const bank = bankWith(schema, {
      findOne(_sel, cb) {
        cb(null, structuredClone(doc));
      },
    });
    bank.read(type, doc._id, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

/** The filter databank-mongodb's search() hands to find() for `criteria`. */
export function legacySearchFilter(schema: Schema, type: string, criteria: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let sent: Record<string, unknown> | undefined;
    const bank = bankWith(schema, {
      find(filter, cb) {
        sent = structuredClone(filter) as Record<string, unknown>;
        cb(null, { each: (fn: Cb) => fn(null, null) });
      },
    });
    // It rewrites the criteria object in place, so it gets a copy.
    bank.search(type, { ...criteria }, () => undefined, (err) => (err ? reject(err) : resolve(sent!)));
  });
}

export interface LegacyIndex {
  collection: string;
  keys: Record<string, unknown>;
  options: Record<string, unknown>;
}

/**
 * The indexes databank-mongodb's connect() creates for `schema` (its
 * checkBankSchema), with the 2.x Db's open() and collection() stubbed.
 */
export function legacyIndexes(schema: Schema): Promise<LegacyIndex[]> {
  const proto = legacyMongo.Db.prototype;
  const saved = { open: proto.open, collection: proto.collection };
  const made: LegacyIndex[] = [];
  proto.open = function (this: unknown, cb: Cb) {
    cb(null, this);
  };
  proto.collection = function (name: string, cb: Cb) {
    cb(null, {
      collectionName: name,
      ensureIndex(keys: Record<string, unknown>, options: Record<string, unknown>, done: Cb) {
        made.push({ collection: name, keys, options });
        done(null, `${Object.keys(keys)[0]}_1`);
      },
    });
  };
  return new Promise<LegacyIndex[]>((resolve, reject) => {
    new LegacyMongoDatabank({ schema }).connect({}, (err) => (err ? reject(err) : resolve(made)));
  }).finally(() => Object.assign(proto, saved));
}
