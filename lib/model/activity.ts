import { AlreadyExistsError, type Bank } from "../databank";
import { BadRequestError } from "../errors";
import type { UrlMaker } from "../url-maker";
import { isPlainObject, refOf, type AS } from "./as";
import { cleanForStorage, cleanOnRead } from "./html";
import type { ObjectStore } from "./activity-object";
import { newUuid, stamp } from "./ids";
import { UUID_INDEX_TYPE } from "./activity-object";

/** Databank types: activities keyed by id; object id → its post/create activity. */
export const ACTIVITY_TYPE = "activity";
export const POST_INDEX_TYPE = "objectpost";
/** A counter bumped after any stored activity is saved again (see `generation`). */
export const GENERATION_TYPE = "generation";
const ACTIVITY_GENERATION = "activity";

const EFFACED_KEYS = ["id", "actor", "object", "published", "updated", "deleted", "_uuid"];

/**
 * Activity storage: minting, saving (referenced objects by `{id, objectType}`),
 * lookups, the "post of an object" index used for authorisation and default
 * addressing, and effacing (DELETE /api/activity).
 */
export class ActivityStore {
  constructor(
    private readonly bank: Bank,
    private readonly urls: UrlMaker,
    private readonly objects: ObjectStore,
  ) {}

  /** Gives a new activity its uuid, id, self link, url and timestamps. */
  mint(act: AS, actorNick: string | null): void {
    const uuid = newUuid();
    const now = stamp();
    act._uuid = uuid;
    act.id = this.urls.makeURL(`/api/activity/${uuid}`);
    act.links = { ...(isPlainObject(act.links) ? act.links : {}), self: { href: act.id } };
    if (actorNick !== null) act.url = this.urls.makeURL(`/${actorNick}/activity/${uuid}`);
    if (!act.published) act.published = now;
    act.updated = now;
  }

  async get(id: string): Promise<AS | null> {
    const found = await this.bank.find<AS>(ACTIVITY_TYPE, id);
    return found && cleanOnRead(found);
  }

  async getMany(ids: string[]): Promise<Map<string, AS>> {
    const out = new Map<string, AS>();
    if (ids.length === 0) return out;
    const found = await this.bank.readAll<AS>(ACTIVITY_TYPE, [...new Set(ids)]);
    for (const id of ids) if (found[id]) out.set(id, cleanOnRead(found[id]!));
    return out;
  }

  async byUuid(uuid: string): Promise<AS | null> {
    const rec = await this.bank.find<{ id: string }>(UUID_INDEX_TYPE, `activity/${uuid}`);
    return rec ? this.get(rec.id) : null;
  }

  /**
   * Stores a new activity (references already compressed), its HTML
   * sanitised. `minted`: its id was minted just now (`mint`), so no read
   * checks it first (a taken id still fails when stored).
   */
  async create(act: AS, minted = false): Promise<AS> {
    cleanForStorage(act);
    try {
      if (minted) await this.bank.createFresh(ACTIVITY_TYPE, act.id, act);
      else await this.bank.create(ACTIVITY_TYPE, act.id, act);
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw new BadRequestError(err.message, { cause: err });
      throw err;
    }
    if (act._uuid) {
      const key = `activity/${act._uuid}`;
      await this.bank.save(UUID_INDEX_TYPE, key, { key, id: act.id });
    }
    return act;
  }

  async save(act: AS): Promise<AS> {
    act.updated = stamp();
    const saved = await this.bank.save(ACTIVITY_TYPE, act.id, cleanForStorage(act));
    await this.bumpGeneration();
    return saved;
  }

  /**
   * How many times stored activities have been changed after creation (0
   * before any). Readers that remember something about activities across
   * requests (lib/activity/public-verdicts.ts) check it, in every worker.
   */
  async generation(): Promise<number> {
    // readAll: no NoSuchThingError (and its stack) on a site where nothing was ever changed.
    const n = (await this.bank.readAll<number>(GENERATION_TYPE, [ACTIVITY_GENERATION]))[ACTIVITY_GENERATION];
    return typeof n === "number" ? n : 0;
  }

  /** Bumped after the change is stored, so a reader that sees the old number read before it. */
  private async bumpGeneration(): Promise<void> {
    await this.bank.incr(GENERATION_TYPE, ACTIVITY_GENERATION);
  }

  /** Effaces an activity: keeps actor, object, id and times; marks it deleted. */
  async efface(act: AS): Promise<AS> {
    const now = stamp();
    const kept: AS = {};
    for (const k of EFFACED_KEYS) if (act[k] !== undefined) kept[k] = act[k];
    kept.updated = now;
    kept.deleted = now;
    const saved = await this.bank.save(ACTIVITY_TYPE, act.id, cleanForStorage(kept));
    await this.bumpGeneration();
    return saved;
  }

  /** The id of the object's post/create activity, or null if never posted. */
  async postOf(objectId: string): Promise<string | null> {
    const rec = await this.bank.find<{ activity: string }>(POST_INDEX_TYPE, objectId);
    return rec ? rec.activity : null;
  }

  /** The object's post activity itself, or null. */
  async postActivityOf(objectId: string): Promise<AS | null> {
    const id = await this.postOf(objectId);
    return id ? this.get(id) : null;
  }

  /**
   * The post activities of many objects in two batched reads (object id →
   * activity; objects never posted are absent). `known` holds activities
   * already in hand, which are not read again.
   */
  async postActivitiesOf(objectIds: string[], known: Map<string, AS> = new Map()): Promise<Map<string, AS>> {
    const out = new Map<string, AS>();
    const unique = [...new Set(objectIds)];
    if (unique.length === 0) return out;
    const index = await this.bank.readAll<{ activity: string }>(POST_INDEX_TYPE, unique);
    const missing = unique.map((id) => index[id]?.activity).filter((a): a is string => typeof a === "string" && !known.has(a));
    const read = await this.getMany(missing);
    for (const id of unique) {
      const actId = index[id]?.activity;
      const act = actId ? (known.get(actId) ?? read.get(actId)) : undefined;
      if (act) out.set(id, act);
    }
    return out;
  }

  /**
   * Records the post of an object; 400 "Already posted" if it has one.
   * `fresh`: the object's id was minted just now, so it has none (no read).
   */
  async recordPost(objectId: string, activityId: string, fresh = false): Promise<void> {
    const rec = { object: objectId, activity: activityId };
    try {
      if (fresh) await this.bank.createFresh(POST_INDEX_TYPE, objectId, rec);
      else await this.bank.create(POST_INDEX_TYPE, objectId, rec);
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw new BadRequestError("Already posted", { cause: err });
      throw err;
    }
  }

  /**
   * Stores every object an activity references and replaces it by a
   * reference: the objects' `ensure`, in field order, with one batched read.
   */
  async compressReferences(act: AS, fields: readonly string[], addressFields: readonly string[]): Promise<void> {
    const refs: AS[] = [];
    for (const f of fields) if (isPlainObject(act[f])) refs.push(act[f]);
    for (const f of addressFields) if (Array.isArray(act[f])) refs.push(...act[f]);
    const stored = await this.objects.ensureAll(refs);
    let i = 0;
    for (const f of fields) if (isPlainObject(act[f])) act[f] = refOf(stored[i++]!);
    for (const f of addressFields) if (Array.isArray(act[f])) act[f] = act[f].map(() => refOf(stored[i++]!));
  }
}
