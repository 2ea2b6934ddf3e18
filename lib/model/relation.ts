import { BadRequestError } from "../errors";
import { AlreadyExistsError, NoSuchThingError, type Bank } from "../databank";
import { stamp } from "./ids";

/** One stored relation between two ids (follow edge, favorite, share, membership). */
export interface RelationRecord {
  id: string;
  from: string;
  to: string;
  published: string;
}

/**
 * A unique relation `from → to` kept as one record per pair, keyed by both
 * ids. Used for follow edges (`edge`), favorites, shares and group
 * memberships; errors carry the store's wording as 400s.
 */
export class Relation {
  constructor(
    private readonly bank: Bank,
    readonly type: string,
  ) {}

  key(from: string, to: string): string {
    return `${from} ${to}`;
  }

  async exists(from: string, to: string): Promise<boolean> {
    try {
      await this.bank.read(this.type, this.key(from, to));
      return true;
    } catch (err) {
      if (err instanceof NoSuchThingError) return false;
      throw err;
    }
  }

  /** Creates the relation; 400 "Already have a(n) 'T' with id 'K'" when it exists. */
  async create(from: string, to: string): Promise<RelationRecord> {
    const rec: RelationRecord = { id: this.key(from, to), from, to, published: stamp() };
    try {
      return await this.bank.create(this.type, rec.id, rec);
    } catch (err) {
      if (err instanceof AlreadyExistsError) throw new BadRequestError(err.message, { cause: err });
      throw err;
    }
  }

  /** Creates or overwrites the relation. */
  async save(from: string, to: string): Promise<RelationRecord> {
    const rec: RelationRecord = { id: this.key(from, to), from, to, published: stamp() };
    return this.bank.save(this.type, rec.id, rec);
  }

  /** 400 "No such 'T' with id 'K'" unless the relation exists. */
  async assertExists(from: string, to: string): Promise<void> {
    if (!(await this.exists(from, to))) {
      throw new BadRequestError(`No such '${this.type}' with id '${this.key(from, to)}'`);
    }
  }

  /** Deletes the relation; 400 when it does not exist. */
  async delete(from: string, to: string): Promise<void> {
    try {
      await this.bank.del(this.type, this.key(from, to));
    } catch (err) {
      if (err instanceof NoSuchThingError) throw new BadRequestError(err.message, { cause: err });
      throw err;
    }
  }

  /** For a batch of `to` ids, which ones `from` is related to. */
  async which(from: string, tos: string[]): Promise<Set<string>> {
    if (tos.length === 0) return new Set();
    const keys = tos.map((t) => this.key(from, t));
    const found = await this.bank.readAll<RelationRecord>(this.type, keys);
    const out = new Set<string>();
    tos.forEach((t, i) => {
      if (found[keys[i]!]) out.add(t);
    });
    return out;
  }
}

/** The four relation stores the engine uses. */
export interface Relations {
  /** follow edges: follower → followed */
  edges: Relation;
  /** favorites: person → object */
  favorites: Relation;
  /** shares: person → object */
  shares: Relation;
  /** memberships: person → group */
  memberships: Relation;
}

export function createRelations(bank: Bank): Relations {
  return {
    edges: new Relation(bank, "edge"),
    favorites: new Relation(bank, "favorite"),
    shares: new Relation(bank, "share"),
    memberships: new Relation(bank, "membership"),
  };
}
