import { ANONYMOUS, type Engine, type Viewer } from "../activity";
import type { Bank } from "../databank";
import { isPlainObject, type AS } from "../model/as";
import type { ApIds } from "./ids";
import { actorKey } from "./keys";
import { activityToAs2 } from "./to-as2";

export const AP_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];
const PAGE_SIZE = 20;

/** A local person as an ActivityPub actor (its key pair made on first need). */
export async function actorDocument(bank: Bank, engine: Engine, ids: ApIds, nick: string): Promise<AS> {
  const profile = await engine.getProfile(nick, ANONYMOUS);
  const id = ids.actor(nick);
  const key = await actorKey(bank, nick);
  const doc: AS = {
    "@context": AP_CONTEXT,
    id,
    type: "Person",
    preferredUsername: nick,
    name: typeof profile.displayName === "string" ? profile.displayName : nick,
    url: id,
    inbox: ids.endpoint(nick, "inbox"),
    outbox: ids.endpoint(nick, "outbox"),
    followers: ids.endpoint(nick, "followers"),
    following: ids.endpoint(nick, "following"),
    liked: ids.endpoint(nick, "liked"),
    endpoints: { sharedInbox: ids.sharedInbox() },
    publicKey: { id: ids.keyId(nick), owner: id, publicKeyPem: key.publicKeyPem },
  };
  if (typeof profile.summary === "string") doc.summary = profile.summary;
  if (isPlainObject(profile.image) && typeof profile.image.url === "string") doc.icon = { type: "Image", url: profile.image.url };
  if (typeof profile.published === "string") doc.published = profile.published;
  return doc;
}

export type CollectionKind = "inbox" | "outbox" | "followers" | "following" | "liked";

/**
 * A person's collection as AS2, as `viewer` may see it (anonymous: what
 * anyone may see; the inbox only for its owner): without `page` the
 * OrderedCollection (totalItems, first), with `page=n` (from 1) an
 * OrderedCollectionPage with next/prev.
 */
export async function collectionDocument(engine: Engine, ids: ApIds, nick: string, kind: CollectionKind, page: number | null, viewer: Viewer = ANONYMOUS): Promise<AS> {
  const url = ids.endpoint(nick, kind);
  const offset = page ? (page - 1) * PAGE_SIZE : 0;
  const query = { count: String(PAGE_SIZE), offset: String(offset) };
  const s = engine.streams;
  const raw =
    // The inbox is its owner's only (the engine refuses anyone else, 401).
    kind === "inbox" ? await s.inbox(nick, "inbox", query, viewer)
    : kind === "outbox" ? await s.feed(nick, "feed", query, viewer)
    : kind === "followers" ? await s.followers(nick, query, viewer)
    : kind === "following" ? await s.following(nick, query, viewer)
    : await s.favorites(nick, query, viewer);
  const total = typeof raw.totalItems === "number" ? raw.totalItems : 0;
  if (!page) return { "@context": AP_CONTEXT[0], id: url, type: "OrderedCollection", totalItems: total, first: `${url}?page=1` };
  const items: AS[] = Array.isArray(raw.items) ? raw.items : [];
  const orderedItems = items
    .map((i) => (kind === "outbox" || kind === "inbox" ? activityToAs2(ids, i) : typeof i.id === "string" ? ids.toAp(i.id) : null))
    .filter((x) => x !== null);
  const out: AS = { "@context": AP_CONTEXT[0], id: `${url}?page=${page}`, type: "OrderedCollectionPage", partOf: url, totalItems: total, orderedItems };
  if (offset + PAGE_SIZE < total) out.next = `${url}?page=${page + 1}`;
  if (page > 1) out.prev = `${url}?page=${page - 1}`;
  return out;
}
