import type { Engine, Generator, Viewer } from "../activity";
import { BadRequestError } from "../errors";
import type { AS } from "../model/as";
import type { UrlMaker } from "../url-maker";

type Fields = Record<string, unknown>;
const field = (f: Fields, name: string): string => (typeof f[name] === "string" ? (f[name] as string).trim() : "");

/** The uuid of one of this site's lists, from its id (`<base>/api/collection/<uuid>`). */
function listUuid(urls: UrlMaker, id: string): string {
  const prefix = urls.makeURL("/api/collection/");
  if (!id.startsWith(prefix) || !/^[^/?#]+$/.test(id.slice(prefix.length))) throw new BadRequestError("Not a list of this site");
  return id.slice(prefix.length);
}

function personRef(f: Fields): AS {
  const id = field(f, "person");
  if (!/^(https?:\/\/|acct:)\S+$/i.test(id)) throw new BadRequestError("Invalid person");
  return { id, objectType: "person" };
}

/**
 * Lists of people (issue 13 item 3), as the logged-in user, through the
 * engine: create, rename, delete, add and remove members. The engine
 * checks that the list is theirs.
 */
export class ListActions {
  constructor(private readonly deps: { engine: Engine; urls: UrlMaker; generator: Generator }) {}

  create(nickname: string, f: Fields): Promise<AS> {
    const name = field(f, "name").slice(0, 100);
    if (!name) throw new BadRequestError("Give the list a name");
    const obj: AS = { objectType: "collection", objectTypes: ["person"], displayName: name };
    const about = field(f, "description").slice(0, 1000);
    if (about) obj.content = about;
    // Lists are for their owner: addressed to nobody else (the create activity goes only to their own outbox).
    const self = { id: this.deps.engine.personId(nickname), objectType: "person" };
    return this.deps.engine.postActivity(nickname, { verb: "create", object: obj, to: [self] }, this.deps.generator);
  }

  rename(nickname: string, f: Fields): Promise<AS> {
    const name = field(f, "name").slice(0, 100);
    if (!name) throw new BadRequestError("Give the list a name");
    return this.deps.engine.updateObject("collection", listUuid(this.deps.urls, field(f, "list")), { displayName: name }, nickname, this.deps.generator);
  }

  remove(nickname: string, f: Fields): Promise<"Deleted"> {
    return this.deps.engine.deleteObject("collection", listUuid(this.deps.urls, field(f, "list")), nickname, this.deps.generator);
  }

  addMember(nickname: string, f: Fields): Promise<AS> {
    return this.deps.engine.addToList(listUuid(this.deps.urls, field(f, "list")), personRef(f), nickname, this.deps.generator);
  }

  removeMember(nickname: string, f: Fields): Promise<AS> {
    const list = { id: this.deps.urls.makeURL(`/api/collection/${listUuid(this.deps.urls, field(f, "list"))}`), objectType: "collection" };
    const self = { id: this.deps.engine.personId(nickname), objectType: "person" };
    return this.deps.engine.postActivity(nickname, { verb: "remove", object: personRef(f), target: list, to: [self] }, this.deps.generator);
  }
}

const nameOf = (p: AS): string => `${typeof p.displayName === "string" ? p.displayName : ""} ${typeof p.preferredUsername === "string" ? p.preferredUsername : ""}`.toLowerCase();

/**
 * People the owner may add to a list: whom they follow and who follows
 * them, not yet members, matching `q` (name or nickname) when given.
 */
export async function listCandidates(engine: Engine, nickname: string, viewer: Viewer, members: AS[], q: string): Promise<AS[]> {
  const [following, followers] = await Promise.all([
    engine.streams.following(nickname, { count: 200 }, viewer),
    engine.streams.followers(nickname, { count: 200 }, viewer),
  ]);
  const inList = new Set(members.map((m) => m.id));
  const seen = new Set<string>();
  const needle = q.trim().toLowerCase();
  const out: AS[] = [];
  for (const p of [...((following.items ?? []) as AS[]), ...((followers.items ?? []) as AS[])]) {
    if (typeof p.id !== "string" || inList.has(p.id) || seen.has(p.id)) continue;
    seen.add(p.id);
    if (needle && !nameOf(p).includes(needle)) continue;
    out.push(p);
  }
  return out;
}

/** The list's stream: what its members posted, from the owner's inbox (newest first). */
export async function listStream(engine: Engine, nickname: string, viewer: Viewer, members: AS[]): Promise<AS[]> {
  const ids = new Set(members.map((m) => m.id));
  if (ids.size === 0) return [];
  const inbox = await engine.streams.inbox(nickname, "inbox/major", { count: 100 }, viewer);
  return ((inbox.items ?? []) as AS[]).filter((a) => a.actor && typeof a.actor === "object" && ids.has((a.actor as AS).id));
}
