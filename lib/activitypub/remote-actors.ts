import type { Bank } from "../databank";
import { BadRequestError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import type { SafeFetcher } from "../net/safe-request";
import { documentLoaderOf } from "./signatures";
import type { DocumentLoader } from "./signed-fetch";

/** What we keep of a remote ActivityPub actor (type apactor). */
export interface RemoteActor {
  id: string;
  inbox: string;
  sharedInbox?: string;
  followers?: string;
  preferredUsername?: string;
  name?: string;
  host: string;
  fetched: string;
}

/** Is this remote id an ActivityPub actor we have met (and so speaks ActivityPub)? */
export async function knownActor(bank: Bank, id: string): Promise<RemoteActor | null> {
  return bank.find<RemoteActor>("apactor", id);
}

/**
 * Fetches (through the safe fetcher) and stores a remote actor: the
 * protocol it speaks is recorded by its being here. Refreshed when asked.
 * `load` signs the GET (signed-fetch.ts; servers in "authorized fetch" mode
 * refuse unsigned ones); without it the GET is unsigned.
 */
export async function fetchActor(bank: Bank, fetcher: SafeFetcher, id: string, refresh = false, load: DocumentLoader = documentLoaderOf(fetcher)): Promise<RemoteActor> {
  if (!refresh) {
    const known = await knownActor(bank, id);
    if (known) return known;
  }
  let doc: unknown;
  try {
    doc = (await load(id)).document;
  } catch (err) {
    throw new BadRequestError(`Cannot fetch actor ${id}: ${(err as Error).message}`);
  }
  if (!isPlainObject(doc) || doc.id !== id || typeof doc.inbox !== "string") throw new BadRequestError(`Not an ActivityPub actor: ${id}`);
  const d = doc as AS;
  const actor: RemoteActor = {
    id,
    inbox: d.inbox,
    host: new URL(id).host.toLowerCase(),
    fetched: new Date().toISOString(),
  };
  if (isPlainObject(d.endpoints) && typeof d.endpoints.sharedInbox === "string") actor.sharedInbox = d.endpoints.sharedInbox;
  if (typeof d.followers === "string") actor.followers = d.followers;
  if (typeof d.preferredUsername === "string") actor.preferredUsername = d.preferredUsername;
  if (typeof d.name === "string") actor.name = d.name;
  return bank.save("apactor", id, actor);
}
