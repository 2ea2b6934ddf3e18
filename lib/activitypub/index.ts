import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Engine, Viewer } from "../activity";
import type { UrlMaker } from "../url-maker";
import type { SafeFetcher } from "../net/safe-request";
import { LocalPeople } from "../model/local-people";
import { ApIds } from "./ids";
import { actorDocument, collectionDocument, type CollectionKind } from "./actor";
import { createVerifier, type VerifiedSigner } from "./signatures";
import { receiveInbox } from "./inbox";
import { groupActorDocument, groupCollectionDocument, publicLocalGroup } from "./group-actor";
import type { ApDelivery } from "./delivery";
import type { Logger } from "../log";
import type { PeriodicTask } from "../queue/periodic";
import type { JrdLink } from "../federation/discovery";
import { createAcctResolver } from "./acct";
import { instanceActorDocument } from "./instance-actor";
import { startReplayPurge } from "./replay-purge";
import { signedDocumentLoader } from "./signed-fetch";

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
  /** A collection as `viewer` may see it (anonymous by default; the inbox only for its owner). */
  collection(nick: string, kind: CollectionKind, page: number | null, viewer?: Viewer): Promise<Record<string, unknown>>;
  /** A local group as a `Group` actor, or null when there is no such group anyone may read. */
  groupActor(uuid: string): Promise<Record<string, unknown> | null>;
  groupCollection(uuid: string, what: "outbox" | "followers"): Promise<Record<string, unknown> | null>;
  /** Verifies the signature and receives the activity (for `nick`, or the shared inbox when null). */
  inbox(nick: string | null, req: SignedInput): Promise<VerifiedSigner>;
  /** The delivery the engine uses (set once the engine has made it). */
  setDelivery(d: ApDelivery): void;
  /** The instance actor (signs our fetches; see instance-actor.ts). */
  instanceActor(): Promise<Record<string, unknown>>;
  /** The engine's `resolveIds` hook: acct: ids of ActivityPub-only people become their actor ids (acct.ts). */
  resolveIds(act: Record<string, unknown>): Promise<void>;
  /** Starts the periodic purge of signature replay records (replay-purge.ts). */
  startReplayPurge(log: Logger): PeriodicTask;
}

export interface ActivityPubDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  urls: UrlMaker;
  engine: Engine;
  fetcher: SafeFetcher;
  /** WebFinger (lib/federation's discovery client): which protocol an acct: id speaks. */
  webfinger(resource: string): Promise<JrdLink[]>;
  log: Logger;
}

export function createActivityPub(deps: ActivityPubDeps): ActivityPub {
  const ids = new ApIds(deps.urls, new LocalPeople(deps.urls));
  // Our fetches of remote actors and keys are signed by the instance actor.
  const load = signedDocumentLoader({ bank: deps.bank, fetcher: deps.fetcher, ids });
  const verify = createVerifier({ bank: deps.bank, fetcher: deps.fetcher, documentLoader: load });
  const resolveIds = createAcctResolver({ bank: deps.bank, fetcher: deps.fetcher, load, webfinger: deps.webfinger, isLocal: (id) => ids.people.isLocalId(id), log: deps.log });
  let delivery: ApDelivery | null = null;
  const inboxDeps = {
    bank: deps.bank,
    engine: deps.engine,
    fetcher: deps.fetcher,
    load,
    ids,
    delivery: () => delivery,
    blockedDomains: deps.config.activityPubBlockedDomains,
    blockedActors: deps.config.activityPubBlockedActors,
  };
  return {
    ids,
    actor: (nick) => actorDocument(deps.bank, deps.engine, ids, nick),
    collection: (nick, kind, page, viewer) => collectionDocument(deps.engine, ids, nick, kind, page, viewer),
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
    instanceActor: () => instanceActorDocument(deps.bank, ids),
    resolveIds,
    startReplayPurge: (log) => startReplayPurge(deps.bank, log),
  };
}

export { ApDelivery, AP_DELIVER_JOB } from "./delivery";
