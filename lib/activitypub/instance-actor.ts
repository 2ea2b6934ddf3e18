import type { Bank } from "../databank";
import type { AS } from "../model/as";
import { AP_CONTEXT } from "./actor";
import type { ApIds } from "./ids";
import { actorKey } from "./keys";
import type { Signer } from "./signatures";

/** The key name of the instance actor's key pair (apkey): "@" is never part of a nickname (model/user-rules.ts). */
const INSTANCE_KEY = "@instance";

/** The instance actor's id: the server itself, not a person (Mastodon-family servers sign their fetches with one). */
export function instanceActorId(ids: ApIds): string {
  return ids.urls.makeURL("/api/ap/actor");
}

/**
 * The instance actor (an Application): what this server signs its own
 * fetches of remote actors, keys and objects with, so that servers in
 * "authorized fetch" mode answer them. It is served to anyone unsigned
 * (a peer checking our signature must read its key).
 */
export async function instanceActorDocument(bank: Bank, ids: ApIds): Promise<AS> {
  const id = instanceActorId(ids);
  const key = await actorKey(bank, INSTANCE_KEY);
  return {
    "@context": AP_CONTEXT,
    id,
    type: "Application",
    preferredUsername: ids.urls.hostname,
    name: ids.urls.hostname,
    url: ids.urls.makeURL("/"),
    inbox: ids.sharedInbox(),
    endpoints: { sharedInbox: ids.sharedInbox() },
    manuallyApprovesFollowers: true,
    publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: key.publicKeyPem },
  };
}

/** The instance actor's key and key id, to sign fetches with. */
export async function instanceSigner(bank: Bank, ids: ApIds): Promise<Signer> {
  return { key: await actorKey(bank, INSTANCE_KEY), keyId: `${instanceActorId(ids)}#main-key` };
}
