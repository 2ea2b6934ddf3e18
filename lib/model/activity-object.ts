import { AlreadyExistsError, type Bank } from "../databank";
import { BadRequestError } from "../errors";
import type { UrlMaker } from "../url-maker";
import { clone, isPlainObject, stripPrivate, type AS } from "./as";
import { cleanForStorage, cleanOnRead } from "./html";
import { newUuid, stamp } from "./ids";
import type { LocalPeople } from "./local-people";
import { classOf, looksLikeList } from "./vocabulary";

/** Databank types: all objects in one table keyed by id; uuid → id index. */
export const OBJECT_TYPE = "activityobject";
export const UUID_INDEX_TYPE = "uuidindex";

const FEEDS = ["likes", "replies", "shares"] as const;
const BARE_KEYS = new Set(["id", "objectType", "published", "updated", "links"]);
const TOMBSTONE_KEYS = ["id", "objectType", "author", "published", "inReplyTo", "_uuid"];

/** True for a bare reference: nothing beyond id/objectType/published/updated/links. */
export function isBareRef(obj: AS): boolean {
  return Object.keys(obj).every((k) => BARE_KEYS.has(k) || k.startsWith("_"));
}

/** True for a deleted object (tombstone). */
export function isTombstone(obj: AS): boolean {
  return typeof obj.deleted === "string";
}

/** Incoming `totalItems`/`items`/`pump_io` of likes/replies/shares are never stored. */
export function trimFeeds(obj: AS): void {
  for (const f of FEEDS) {
    if (!isPlainObject(obj[f])) continue;
    const { totalItems: _t, items: _i, pump_io: _p, ...rest } = obj[f];
    obj[f] = rest;
  }
}

/**
 * The object store (activities.md §10): minting ids and URLs, storage,
 * lookup by id or by `<class>/<uuid>`, the `ensure` merge rules, tombstones.
 */
export class ObjectStore {
  constructor(
    private readonly bank: Bank,
    private readonly urls: UrlMaker,
    private readonly people: LocalPeople,
  ) {}

  async get(id: string): Promise<AS | null> {
    const found = await this.bank.find<AS>(OBJECT_TYPE, id);
    return found && cleanOnRead(found);
  }

  /** Many objects at once; missing ids are absent from the map. */
  async getMany(ids: Iterable<string>): Promise<Map<string, AS>> {
    const list = [...new Set(ids)];
    const out = new Map<string, AS>();
    if (list.length === 0) return out;
    const found = await this.bank.readAll<AS>(OBJECT_TYPE, list);
    for (const id of list) if (found[id]) out.set(id, cleanOnRead(found[id]!));
    return out;
  }

  /** The object minted as `{base}/api/<cls>/<uuid>` (or foreign-id object with that uuid). */
  async byUuid(cls: string, uuid: string): Promise<AS | null> {
    const rec = await this.bank.find<{ id: string }>(UUID_INDEX_TYPE, `${cls}/${uuid}`);
    return rec ? this.get(rec.id) : null;
  }

  /**
   * Stores a new object (already minted), its HTML sanitised; 400 if the id
   * is taken. `fresh`: its id was minted just now (not the client's), so
   * no read checks it first (a taken id still fails when stored).
   */
  async create(obj: AS, fresh = false): Promise<AS> {
    cleanForStorage(obj);
    try {
      if (fresh) await this.bank.createFresh(OBJECT_TYPE, obj.id, obj);
      else await this.bank.create(OBJECT_TYPE, obj.id, obj);
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw new BadRequestError(err.message, { cause: err });
      throw err;
    }
    await this.indexUuid(obj);
    return obj;
  }

  private async indexUuid(obj: AS): Promise<void> {
    if (obj._uuid) {
      const cls = classOf(obj.objectType);
      await this.bank.save(UUID_INDEX_TYPE, `${cls}/${obj._uuid}`, { key: `${cls}/${obj._uuid}`, id: obj.id });
    }
  }

  /** Stores an object over its old copy, its HTML sanitised. */
  async save(obj: AS): Promise<AS> {
    trimFeeds(obj);
    cleanForStorage(obj);
    return this.bank.save(OBJECT_TYPE, obj.id, obj);
  }

  /**
   * Fills in what a new object gets from us: uuid, id, self link,
   * likes/replies/shares feeds, `url` for local authors, list/group feeds,
   * timestamps. A client-supplied id is kept ("foreign ID") and gets
   * `?id=` links instead. Returns a new object; the input is untouched.
   */
  mint(input: AS, authorNick: string | null): AS {
    const obj = clone(input);
    if (typeof obj.objectType !== "string") obj.objectType = "note";
    const cls = classOf(obj.objectType);
    const now = stamp();
    const uuid = newUuid();
    obj._uuid = uuid;
    const foreign = typeof obj.id === "string";
    const enc = foreign ? encodeURIComponent(obj.id) : "";
    const feed = (name: string): string =>
      foreign ? this.urls.makeURL(`/api/${cls}/${name}?id=${enc}`) : this.urls.makeURL(`/api/${cls}/${uuid}/${name}`);
    if (!foreign) obj.id = this.urls.makeURL(`/api/${cls}/${uuid}`);
    obj.links = isPlainObject(obj.links) ? obj.links : {};
    if (!obj.links.self) {
      obj.links.self = { href: foreign ? this.urls.makeURL(`/api/${cls}?id=${enc}`) : obj.id };
    }
    trimFeeds(obj);
    if (cls !== "person") {
      for (const f of FEEDS) obj[f] = { ...(isPlainObject(obj[f]) ? obj[f] : {}), url: feed(f) };
    }
    const list = authorNick !== null && looksLikeList(obj);
    if (authorNick !== null && obj.url === undefined) {
      obj.url = this.urls.makeURL(list ? `/${authorNick}/list/${uuid}` : `/${authorNick}/${cls}/${uuid}`);
    }
    if (list) obj.members = { url: this.urls.makeURL(`/api/collection/${uuid}/members`) };
    if (authorNick !== null && obj.objectType === "group") {
      const g = (name: string): string =>
        foreign ? this.urls.makeURL(`/api/group/${name}?id=${enc}`) : this.urls.makeURL(`/api/group/${uuid}/${name}`);
      obj.members = { url: g("members") };
      obj.documents = { url: g("documents") };
      obj.links["activity-inbox"] = { href: g("inbox") };
    }
    if (!obj.published) obj.published = now;
    if (!obj.updated) obj.updated = now;
    return obj;
  }

  /**
   * Store semantics for a referenced object (§10 `ensureObject`): missing →
   * created from the given data (a new id is minted when there is none);
   * present → the stored copy wins unless the incoming copy is non-local,
   * not a bare reference, and the stored copy is bare or older.
   */
  async ensure(ref: AS, authorNick: string | null = null): Promise<AS> {
    if (typeof ref.id !== "string") return this.create(this.mint(ref, authorNick), true);
    return this.ensureOver(ref, await this.get(ref.id));
  }

  /**
   * `ensure` of several references with one batched read (an activity's
   * actor, object, generator and addresses); in order, each seeing what
   * the ones before it stored.
   */
  async ensureAll(refs: AS[]): Promise<AS[]> {
    const stored = await this.getMany(refs.map((r) => r.id).filter((id): id is string => typeof id === "string"));
    const out: AS[] = [];
    for (const ref of refs) {
      const saved = typeof ref.id === "string" ? await this.ensureOver(ref, stored.get(ref.id) ?? null) : await this.ensure(ref);
      if (typeof ref.id === "string") stored.set(ref.id, saved);
      out.push(saved);
    }
    return out;
  }

  /** `ensure` of a reference with an id, given its stored copy (null: none). */
  private async ensureOver(ref: AS, stored: AS | null): Promise<AS> {
    if (!stored) {
      const fresh = stripPrivate(clone(ref));
      if (typeof fresh.objectType !== "string") fresh.objectType = "note";
      trimFeeds(fresh);
      cleanForStorage(fresh);
      // A concurrent request may store it first (e.g. two first posts to the
      // public): its copy then stays. Inside a transaction that is only
      // known at commit, so the write itself must tolerate it.
      if (await this.bank.createIfAbsent(OBJECT_TYPE, fresh.id, fresh)) {
        await this.indexUuid(fresh);
        return fresh;
      }
      return (await this.get(ref.id)) ?? fresh;
    }
    if (this.people.isLocalId(ref.id) || isBareRef(ref) || isTombstone(stored)) return stored;
    const older = typeof stored.updated === "string" && typeof ref.updated === "string" && ref.updated > stored.updated;
    if (!isBareRef(stored) && !older) return stored;
    const merged = { ...stored, ...stripPrivate(clone(ref)), id: stored.id, objectType: stored.objectType };
    return this.save(merged);
  }

  /** Turns a stored object into a tombstone and saves it. */
  async tombstone(obj: AS): Promise<AS> {
    const now = stamp();
    const dead: AS = {};
    for (const k of TOMBSTONE_KEYS) if (obj[k] !== undefined) dead[k] = obj[k];
    dead.updated = now;
    dead.deleted = now;
    return this.bank.save(OBJECT_TYPE, obj.id, cleanForStorage(dead));
  }
}
