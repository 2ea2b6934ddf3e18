import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Engine } from "../activity";
import type { UrlMaker } from "../url-maker";
import type { SafeFetcher } from "../net/safe-request";
import { LocalPeople } from "../model/local-people";
import { ApIds } from "./ids";
import { actorDocument, collectionDocument, type CollectionKind } from "./actor";
import { createVerifier, type VerifiedSigner } from "./signatures";
import { receiveInbox } from "./inbox";
import { groupActorDocument, groupCollectionDocument, publicLocalGroup } from "./group-actor";
import type { ApDelivery } from "./delivery";

/** A request as the inbox needs it (the raw body for the Digest). */
export interface SignedInput {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  body: unknown;
}

/** ActivityPub server-to-server over our engine (see README "ActivityPub"). */
export interface ActivityPub {
  ids: ApIds;
  actor(nick: string): Promise<Record<string, unknown>>;
  collection(nick: string, kind: CollectionKind, page: number | null): Promise<Record<string, unknown>>;
  /** A local group as a `Group` actor, or null when there is no such group anyone may read. */
  groupActor(uuid: string): Promise<Record<string, unknown> | null>;
  groupCollection(uuid: string, what: "outbox" | "followers"): Promise<Record<string, unknown> | null>;
  /** Verifies the signature and receives the activity (for `nick`, or the shared inbox when null). */
  inbox(nick: string | null, req: SignedInput): Promise<VerifiedSigner>;
  /** The delivery the engine uses (set once the engine has made it). */
  setDelivery(d: ApDelivery): void;
}

export interface ActivityPubDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  urls: UrlMaker;
  engine: Engine;
  fetcher: SafeFetcher;
}

export function createActivityPub(deps: ActivityPubDeps): ActivityPub {
  const ids = new ApIds(deps.urls, new LocalPeople(deps.urls));
  const verify = createVerifier({ bank: deps.bank, fetcher: deps.fetcher });
  let delivery: ApDelivery | null = null;
  const inboxDeps = {
    bank: deps.bank,
    engine: deps.engine,
    fetcher: deps.fetcher,
    ids,
    delivery: () => delivery,
    blockedDomains: deps.config.activityPubBlockedDomains,
    blockedActors: deps.config.activityPubBlockedActors,
  };
  return {
    ids,
    actor: (nick) => actorDocument(deps.bank, deps.engine, ids, nick),
    collection: (nick, kind, page) => collectionDocument(deps.engine, ids, nick, kind, page),
    async groupActor(uuid) {
      const group = await publicLocalGroup(deps.engine, ids, uuid);
      return group ? groupActorDocument(deps.bank, ids, group, uuid) : null;
    },
    async groupCollection(uuid, what) {
      const group = await publicLocalGroup(deps.engine, ids, uuid);
      return group ? groupCollectionDocument(deps.bank, ids, group, uuid, what) : null;
    },
    async inbox(nick, req) {
      const signer = await verify(req);
      await receiveInbox(inboxDeps, nick, req.body, signer);
      return signer;
    },
    setDelivery(d) {
      delivery = d;
    },
  };
}

export { ApDelivery, AP_DELIVER_JOB } from "./delivery";
