/**
 * An in-memory IApexStore (activitypub-express's storage interface,
 * node_modules/activitypub-express/store/interface.js) for the apex test
 * peer: MongoDB cannot run here. It is the peer's storage, not a part of
 * ours. It answers the queries of apex's Mongo store (store/index.js) the
 * way Mongo would: fields that hold arrays match when any element equals
 * the value, `_meta` is projected out unless asked for, every read is a
 * fresh copy (apex mutates what it reads), stream items are ordered by an
 * insertion `_id` (newest first) and paged with `after`, `getStream`
 * replaces `actor` by the stored actor objects (a `$lookup`) and drops
 * items whose actor is unknown.
 */
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";

type Doc = Record<string, any>;

interface Delivery {
  address: string;
  actorId: string;
  signingKey: string;
  body: string;
  attempt: number;
  after: Date;
  _seq?: number;
}

const clone = <T>(x: T): T => (x === null || x === undefined ? x : structuredClone(x));

/** Mongo's equality on a field: an array matches when one element equals the value. */
function fieldHas(v: unknown, want: unknown): boolean {
  return Array.isArray(v) ? v.some((x) => x === want) : v === want;
}

function without(doc: Doc | undefined, keys: string[]): Doc | null {
  if (!doc) return null;
  const out = clone(doc);
  for (const k of keys) delete out[k];
  return out;
}

/** The `$set`/`$unset` of store/index.js objectToUpdateDoc: null unsets, id is kept. */
function applyUpdate(doc: Doc, patch: Doc): void {
  for (const [k, v] of Object.entries(patch)) {
    if (k === "id") continue;
    if (v === null) delete doc[k];
    else doc[k] = clone(v);
  }
}

export class MemoryApexStore {
  db = null;
  private objects: Doc[] = [];
  private streams: Doc[] = [];
  private contexts = new Map<string, { contextUrl: string | null; documentUrl: string; document: string }>();
  private queue: Delivery[] = [];
  private seq = 0;
  private ids = 0;
  private closed = false;

  constructor() {
    // The JSON-LD contexts apex ships, preloaded so nothing is fetched from the internet.
    const vocab = join(dirname(require.resolve("activitypub-express/package.json")), "vocab");
    for (const [url, file] of [["https://www.w3.org/ns/activitystreams", "as.json"], ["https://w3id.org/security/v1", "security.json"]]) {
      this.contexts.set(url!, { contextUrl: null, documentUrl: url!, document: readFileSync(join(vocab, file!), "utf8") });
    }
  }

  /** A 24-hex id that sorts by creation, like a Mongo ObjectId. */
  private nextHex(): string {
    return (++this.ids).toString(16).padStart(24, "0");
  }

  async setup(initialUser?: Doc): Promise<Doc | void> {
    if (!initialUser) return;
    const i = this.objects.findIndex((o) => o.id === initialUser.id);
    if (i >= 0) this.objects[i] = clone(initialUser);
    else this.objects.push(clone(initialUser));
    return clone(initialUser);
  }

  async getObject(id: string, includeMeta?: boolean): Promise<Doc | null> {
    // Strict comparison, as in store/index.js: private keys only when asked for with `true`.
    return without(this.objects.find((o) => o.id === id), includeMeta === true ? [] : ["_meta"]);
  }

  async saveObject(object: Doc): Promise<boolean> {
    if (this.objects.some((o) => o.id === object.id)) return false; // unique index
    this.objects.push(clone(object));
    return true;
  }

  async updateObject(obj: Doc, actorId: string | null, fullReplace?: boolean): Promise<Doc | undefined> {
    let updated: Doc | undefined;
    const i = this.objects.findIndex((o) => o.id === obj.id);
    if (fullReplace) {
      if (i >= 0 && JSON.stringify(this.objects[i]) !== JSON.stringify(obj)) {
        this.objects[i] = clone(obj);
        updated = clone(obj);
      }
    } else if (i >= 0) {
      applyUpdate(this.objects[i]!, obj);
      updated = without(this.objects[i], ["_meta"]) ?? undefined;
    }
    if (updated) await this.updateObjectCopies(updated);
    return updated;
  }

  async getActivity(id: string, includeMeta?: boolean): Promise<Doc | null> {
    return without(this.streams.find((a) => a.id === id), includeMeta ? ["_id"] : ["_id", "_meta"]);
  }

  async findActivityByCollectionAndObjectId(collection: string, objectId: string, includeMeta?: boolean): Promise<Doc | null> {
    const a = this.streams.find((s) => fieldHas(s._meta?.collection, collection) && fieldHas(s.object, objectId));
    return without(a, includeMeta ? ["_id"] : ["_id", "_meta"]);
  }

  async findActivityByCollectionAndActorId(collection: string, actorId: string, includeMeta?: boolean): Promise<Doc | null> {
    const a = this.streams.find((s) => fieldHas(s._meta?.collection, collection) && fieldHas(s.actor, actorId));
    return without(a, includeMeta ? ["_id"] : ["_id", "_meta"]);
  }

  async getContext(documentUrl: string): Promise<Doc | null> {
    const c = this.contexts.get(documentUrl);
    return c ? { ...c, document: JSON.parse(c.document) } : null;
  }

  async saveContext({ contextUrl, documentUrl, document }: Doc): Promise<void> {
    this.contexts.set(documentUrl, { contextUrl, documentUrl, document: typeof document === "object" ? JSON.stringify(document) : document });
  }

  async getStream(collectionId: string, limit: number | null, after?: string | null, blockList?: string[], query?: unknown[]): Promise<Doc[]> {
    if (after && !/^[0-9a-f]{24}$/i.test(after)) throw new Error("ApexStore: invalid page value");
    if (query?.length) throw new Error("MemoryApexStore: aggregation stages are not supported");
    let items = this.streams.filter((s) => fieldHas(s._meta?.collection, collectionId));
    if (after) items = items.filter((s) => s._id < after.toLowerCase());
    if (blockList?.length) items = items.filter((s) => !(Array.isArray(s.actor) ? s.actor : [s.actor]).some((a: unknown) => blockList.includes(a as string)));
    items = [...items].sort((a, b) => (a._id < b._id ? 1 : -1));
    if (limit) items = items.slice(0, limit);
    const out: Doc[] = [];
    for (const s of items) {
      const doc = without(s, ["_meta"])!;
      const actorIds: unknown[] = Array.isArray(s.actor) ? s.actor : [s.actor];
      doc.actor = this.objects.filter((o) => actorIds.includes(o.id)).map((o) => without(o, ["_meta", "_id"]));
      if (doc.actor.length === 0) continue;
      if (Array.isArray(doc.object)) for (const o of doc.object) if (o && typeof o === "object") delete o._meta, delete o._id;
      out.push(doc);
    }
    return out;
  }

  async getStreamCount(collectionId: string): Promise<number> {
    return this.streams.filter((s) => fieldHas(s._meta?.collection, collectionId)).length;
  }

  async getUserCount(): Promise<number> {
    return this.objects.filter((o) => o.type === "Person" && o._meta?.privateKey !== undefined).length;
  }

  async saveActivity(activity: Doc): Promise<boolean | undefined> {
    if (this.streams.some((s) => s.id === activity.id)) return undefined; // duplicate key: ignored
    this.streams.push({ ...clone(activity), _id: this.nextHex() });
    return true;
  }

  async removeActivity(activity: Doc, actorId: string): Promise<void> {
    this.streams = this.streams.filter((s) => !(s.id === activity.id && fieldHas(s.actor, actorId)));
  }

  async updateActivity(activity: Doc, fullReplace?: boolean): Promise<Doc> {
    const s = this.streams.find((a) => a.id === activity.id);
    if (fullReplace) {
      if (s && JSON.stringify(without(s, ["_id"])) !== JSON.stringify(activity)) {
        for (const k of Object.keys(s)) if (k !== "_id") delete s[k];
        Object.assign(s, clone(activity));
        await this.updateObjectCopies(activity);
      }
      return clone(activity);
    }
    // findOneAndUpdate reports no modifiedCount: like store/index.js, copies are left as they are.
    if (!s) return clone(activity);
    applyUpdate(s, activity);
    return without(s, ["_id"])!;
  }

  async updateActivityMeta(activity: Doc, key: string, value: unknown, remove?: boolean): Promise<Doc> {
    const s = this.streams.find((a) => a.id === activity.id);
    if (!s) throw new Error("Error updating activity meta: not found");
    s._meta ??= {};
    const list: unknown[] = (s._meta[key] ??= []);
    if (remove) s._meta[key] = list.filter((x) => JSON.stringify(x) !== JSON.stringify(value));
    else if (!list.some((x) => JSON.stringify(x) === JSON.stringify(value))) list.push(clone(value));
    return without(s, ["_id"])!;
  }

  generateId(): string {
    return this.nextHex();
  }

  /** Embedded copies of an updated object in stream items follow it (store/index.js updateObjectCopies). */
  private async updateObjectCopies(object: Doc): Promise<void> {
    for (const s of this.streams) {
      if (!Array.isArray(s.object)) continue;
      s.object = s.object.map((o: unknown) => (o && typeof o === "object" && (o as Doc).id === object.id ? clone(object) : o));
    }
    if (object._meta?.privateKey) for (const d of this.queue) if (d.actorId === object.id) d.signingKey = object._meta.privateKey;
  }

  async deliveryEnqueue(actorId: string, body: string, addresses: string | string[], signingKey: string): Promise<boolean | undefined> {
    if (!addresses || !addresses.length) return;
    for (const address of Array.isArray(addresses) ? addresses : [addresses]) {
      this.queue.push({ address, actorId, signingKey, body, attempt: 0, after: new Date(), _seq: ++this.seq });
    }
    return true;
  }

  async deliveryDequeue(): Promise<Delivery | { waitUntil: Date } | null> {
    if (this.closed) return null;
    const now = Date.now();
    const ordered = [...this.queue].sort((a, b) => a.after.getTime() - b.after.getTime() || a._seq! - b._seq!);
    const ready = ordered.find((d) => d.after.getTime() <= now);
    if (ready) {
      this.queue.splice(this.queue.indexOf(ready), 1);
      const { _seq, ...out } = ready;
      return clone(out);
    }
    // apex waits for the next one with a timer it cannot cancel: at most 200 ms, so a closed peer lets the process end.
    return ordered[0] ? { waitUntil: new Date(Math.min(ordered[0].after.getTime(), now + 200)) } : null;
  }

  async deliveryRequeue(delivery: Delivery): Promise<boolean> {
    if (this.closed) return false;
    delivery.after = new Date(delivery.after.getTime() + Math.pow(10, delivery.attempt++));
    this.queue.push({ ...clone(delivery), _seq: ++this.seq });
    return true;
  }

  /** Stops deliveries (the peer is closing). */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  /** The id of the Create activity that made an object (for the peer's Like/Announce workaround). */
  createOf(objectId: string): string | undefined {
    return this.streams.find((s) => s.type === "Create" && Array.isArray(s.object) && s.object.some((o: Doc) => o?.id === objectId))?.id;
  }

  /** Everything stored in a stream collection (with `_meta`), oldest first: for the tests' checks. */
  collectionItems(collectionId: string): Doc[] {
    return this.streams.filter((s) => fieldHas(s._meta?.collection, collectionId)).map((s) => clone(s));
  }
}
