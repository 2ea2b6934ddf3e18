import type { Bank } from "../databank";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import type { AS } from "../model/as";
import type { RawQuery } from "../model/paging";
import { toAS2 } from "./as2";
import { ANONYMOUS, Ctx, type EngineConfig, type Viewer } from "./context";
import { BankDeliveryQueue, type DeliveryQueue } from "./delivery-queue";
import { JobQueue, type JobQueueOptions } from "../queue/job-queue";
import { distribute, isDirectTo, type RemoteDelivery } from "./distribute";
import { inbox, people, userFeed, type InboxKind, type OutboxKind } from "./feeds";
import type { ObjectKey } from "./lookup";
import type { ReadOptions } from "./collections";
import { favorites, groupFeed, listMembers, lists, objectFeed } from "./object-feeds";
import { postAsUser, type ActivityHooks, type Core, type FeedKind, type Generator } from "./pipeline";
import { presentActivity } from "./present";
import { EmbedGuard } from "./embed";
import { getActivity, getObject, getObjectByForeignId, getProfile, profileOf } from "./reads";
import { afterRegister } from "./registration";
import { forgetUser } from "./forget-user";
import { exportPerson, type PersonExport } from "./export";
import { adoptProfile, importActivity, isPresent, isRegistration, registrationNickname, type ImportOptions, type ImportOutcome } from "./import";
import { receiveRemote, receiveRemoteForGroup, type RemotePrincipal } from "./receive";
import * as writes from "./writes";
import type { StreamBatchListener, StreamListener, StreamUpdate } from "./stream-events";
import { activityForViewer } from "./realtime-read";
import { mayFollowStream } from "./stream-access";

export type { RemotePrincipal, StreamBatchListener, StreamListener, StreamUpdate, ImportOptions, ImportOutcome, PersonExport };
export type { ReadOptions };
export type { ActivityHooks };
export type { EngineConfig, Viewer, FeedKind, Generator, InboxKind, OutboxKind, ObjectKey, RemoteDelivery, DeliveryQueue };
export { ANONYMOUS, toAS2 };
export { isTypeSegment, OBJECT_TYPES } from "../model/vocabulary";

export interface EngineOptions {
  bank: Bank;
  urls: UrlMaker;
  config: EngineConfig;
  log: Logger;
  /**
   * Remote recipients (federation); without it they are logged and skipped.
   * A function is given the engine's job queue, so that remote deliveries
   * are jobs of the same queue as local ones (one poller per worker).
   */
  remote?: RemoteDelivery | null | ((deps: { ctx: Ctx; jobs: JobQueue }) => RemoteDelivery);
  /**
   * "background" (default): a post returns once the activity and its
   * delivery job are stored (the poster's own outbox and inbox included);
   * followers' and groups' inboxes are filled by the job queue.
   * "inline": a post returns after local inboxes are filled.
   */
  delivery?: "inline" | "background";
  /** Job queue settings (lease, poll interval, retries). */
  jobs?: JobQueueOptions;
  /**
   * Told after each activity reached local inboxes, with the local people
   * it was addressed to directly (email notifications). Its failures are
   * logged and never undo or repeat the delivery.
   */
  onDelivered?: (delivered: Delivered) => Promise<void>;
  /** Spam check and firehose for locally created activities (lib/federation). */
  hooks?: ActivityHooks;
  /**
   * Told after each activity was distributed, with the local people whose
   * inboxes it reached (plugins). Not awaited; it must not throw.
   */
  onDistributed?: (activity: AS, local: string[]) => void;
  /** Told when a distribution attempt fails (it is retried by the job queue): metrics. */
  onDeliveryFailure?: (err: unknown) => void;
}

/** An activity that reached local inboxes (for `onDelivered`). */
export interface Delivered {
  /** The stored activity (references not expanded). */
  activity: AS;
  /** Its actor as stored, or null. */
  actor: AS | null;
  /**
   * The local people in its `to` or `bto`, each with its object as that
   * person may see it (embed.ts: a stub when they may not read it, e.g.
   * someone else's private note shared to them), or null.
   */
  direct: { nickname: string; object: AS | null }[];
}

/** The activity engine: everything routes call. Inputs are parsed JSON; outputs are ready for res.json. */
export interface Engine {
  afterRegister(user: { nickname: string }, client?: Generator): Promise<AS>;
  /** After an account is deleted: drop its streams and list names, so the nickname can be registered afresh. */
  forgetUser(nickname: string): Promise<void>;
  /**
   * A local user's post (api.md §7), presented for its actor. `profile`:
   * the user's stored person as `storedProfile` just gave it (not read again).
   */
  postActivity(nickname: string, body: unknown, client: Generator, opts?: { feed?: FeedKind; profile?: AS }): Promise<AS>;
  /** Historical import (pump-import-collection): stored with its ids, never distributed. */
  importing: {
    importActivity(body: unknown, opts?: ImportOptions): Promise<ImportOutcome>;
    /** Is this a `join` of this site's service (a registration in the original's exports)? */
    isRegistration(act: unknown): act is AS;
    /** Is an activity with this one's id stored already? */
    isPresent(act: unknown): Promise<boolean>;
    registrationNickname(act: AS): string | null;
    /** Copies displayName/summary of an imported registration onto the new user's person. */
    adoptProfile(nickname: string, from: AS): Promise<void>;
    /** A person's profile, outbox (expanded) and uploads, for pump-export. */
    exportPerson(nickname: string): Promise<PersonExport>;
  };
  follow(nickname: string, object: unknown, client: Generator): Promise<AS>;
  favorite(nickname: string, object: unknown, client: Generator): Promise<AS>;
  addToList(listUuid: string, object: unknown, nickname: string, client: Generator): Promise<AS>;
  updateObject(type: string, uuid: string, body: unknown, nickname: string, client: Generator): Promise<AS>;
  deleteObject(type: string, uuid: string, nickname: string, client: Generator): Promise<"Deleted">;
  updateProfile(nickname: string, body: unknown, client: Generator): Promise<AS>;
  /** POST /api/user/:nick/inbox from a remote server (api.md §9). */
  receiveRemote(nickname: string, body: unknown, principal: RemotePrincipal): Promise<AS>;
  /** POST /api/group/:uuid/inbox from a remote server (federation.md §6). */
  receiveRemoteForGroup(uuid: string, body: unknown, principal: RemotePrincipal): Promise<AS>;
  getActivity(uuid: string, viewer: Viewer): Promise<AS>;
  putActivity(uuid: string, body: unknown, nickname: string): Promise<AS>;
  deleteActivity(uuid: string, nickname: string): Promise<"Deleted">;
  getObject(type: string, uuid: string, viewer: Viewer): Promise<AS>;
  getObjectByForeignId(type: string, id: unknown, viewer: Viewer): Promise<AS>;
  getProfile(nickname: string, viewer: Viewer): Promise<AS>;
  /** The stored person (no decorations) for User JSON; null when unknown. */
  profileOf(nickname: string): Promise<AS | null>;
  /** The stored person as stored (private fields too), to hand back to postActivity; null when unknown. */
  storedProfile(nickname: string): Promise<AS | null>;
  /** The person id of a local user (for building a Viewer). */
  personId(nickname: string): string;
  streams: {
    /** `read.visibleTotal`: totalItems counts only what the viewer may see (web pages; the API keeps the stored size). */
    feed(nickname: string, kind: OutboxKind, query: RawQuery, viewer: Viewer, read?: ReadOptions): Promise<AS>;
    inbox(nickname: string, kind: InboxKind, query: RawQuery, viewer: Viewer): Promise<AS>;
    followers(nickname: string, query: RawQuery, viewer: Viewer): Promise<AS>;
    following(nickname: string, query: RawQuery, viewer: Viewer): Promise<AS>;
    favorites(nickname: string, query: RawQuery, viewer: Viewer, read?: ReadOptions): Promise<AS>;
    lists(nickname: string, type: string, query: RawQuery, viewer: Viewer, read?: ReadOptions): Promise<AS>;
    listMembers(listUuid: string, query: RawQuery, viewer: Viewer, read?: ReadOptions): Promise<AS>;
    objectFeed(type: string, key: ObjectKey, feed: "likes" | "replies" | "shares", query: RawQuery, viewer: Viewer, read?: ReadOptions): Promise<AS>;
    group(key: ObjectKey, feed: "members" | "inbox" | "documents", query: RawQuery, viewer: Viewer): Promise<AS>;
  };
  /** AS2 form of any output of this engine. */
  asAS2(json: AS): AS;
  /** The durable delivery queue (recover() at startup, close() at shutdown). */
  queue: DeliveryQueue;
  /** The job queue's counters, for /health and metrics. */
  jobs: Pick<JobQueue, "depth" | "parked">;
  /**
   * Listens for "activity added to stream" events (API stream URLs, cluster.md §7),
   * fired after outbox/inbox placement; returns the function that stops listening.
   */
  onStreamUpdate(listener: StreamListener): () => void;
  /** The same updates, one call per write (a fan-out's streams together): what the realtime bus publishes. */
  onStreamUpdates(listener: StreamBatchListener): () => void;
  /** An activity by id as `viewer` may see it, or null (unknown, deleted, not for them): for realtime pushes. */
  activityForViewer(id: string, viewer: Viewer): Promise<AS | null>;
  /** May `viewer` follow the API stream at `path` (below urlPath) over realtime: true when GET of it would answer them. */
  mayFollowStream(path: string, viewer: Viewer): Promise<boolean>;
  /** Internals for tests and other lib/ modules. */
  ctx: Ctx;
}

/** Builds the engine over a connected bank. No side effects until called. */
export function createEngine(opts: EngineOptions): Engine {
  const ctx = new Ctx(opts.bank, opts.urls, opts.config, opts.log);
  const jobs = new JobQueue(opts.bank, opts.log.child({ component: "queue" }), opts.jobs);
  const remote = typeof opts.remote === "function" ? opts.remote({ ctx, jobs }) : (opts.remote ?? null);
  const queue = new BankDeliveryQueue(
    ctx,
    jobs,
    async (activityId) => {
      const act = await ctx.activities.get(activityId);
      if (!act) return;
      let r: Awaited<ReturnType<typeof distribute>>;
      try {
        r = await distribute(ctx, act, remote);
      } catch (err) {
        opts.onDeliveryFailure?.(err);
        throw err;
      }
      if (opts.onDelivered) await reportDelivered(ctx, act, r.local, opts.onDelivered);
      opts.onDistributed?.(act, r.local);
    },
    (opts.delivery ?? "background") === "inline",
  );
  const core: Core = { ctx, queue, hooks: opts.hooks };
  const viewerFor = (nickname: string): Viewer => ({ nickname, personId: ctx.people.personId(nickname) });

  return {
    ctx,
    queue,
    jobs,
    onStreamUpdate: (listener) => ctx.streamEvents.on(listener),
    onStreamUpdates: (listener) => ctx.streamEvents.onBatch(listener),
    activityForViewer: (id, v) => activityForViewer(core, id, v),
    mayFollowStream: (path, v) => mayFollowStream(core, path, v),
    afterRegister: (user, client = null) => afterRegister(core, user, client),
    forgetUser: (nickname) => forgetUser(ctx, nickname),
    importing: {
      importActivity: (body, o) => importActivity(core, body, o),
      isRegistration: (act): act is AS => isRegistration(ctx, act),
      isPresent: (act) => isPresent(ctx, act),
      registrationNickname,
      adoptProfile: (nickname, from) => adoptProfile(ctx, nickname, from),
      exportPerson: (nickname) => exportPerson(core, nickname),
    },
    async postActivity(nickname, body, client, o = {}) {
      // The answer shows the objects the post stored or read as they were stored: no second read of them.
      const objects = new Map<string, AS>();
      const stored = await postAsUser(core, nickname, body, client, o.feed ?? "feed", { profile: o.profile, objects });
      return presentActivity(ctx, stored, { viewerId: viewerFor(nickname).personId, items: true, flags: true, followed: true }, objects);
    },
    follow: (n, o, c) => writes.follow(core, n, o, c),
    favorite: (n, o, c) => writes.favorite(core, n, o, c),
    addToList: (u, o, n, c) => writes.addToList(core, u, o, n, c),
    updateObject: (t, u, b, n, c) => writes.updateObject(core, t, u, b, n, c),
    deleteObject: (t, u, n, c) => writes.deleteObject(core, t, u, n, c),
    updateProfile: (n, b, c) => writes.updateProfile(core, n, b, c),
    receiveRemote: (n, b, p) => receiveRemote(core, n, b, p),
    receiveRemoteForGroup: (u, b, p) => receiveRemoteForGroup(core, u, b, p),
    getActivity: (u, v) => getActivity(core, u, v),
    putActivity: (u, b, n) => writes.putActivity(core, u, b, n),
    deleteActivity: (u, n) => writes.deleteActivity(core, u, n),
    getObject: (t, u, v) => getObject(core, t, u, v),
    getObjectByForeignId: (t, id, v) => getObjectByForeignId(core, t, id, v),
    getProfile: (n, v) => getProfile(core, n, v),
    profileOf: (n) => profileOf(core, n),
    storedProfile: (n) => ctx.profileOf(n),
    personId: (n) => ctx.people.personId(n),
    streams: {
      feed: (n, k, q, v, r) => userFeed(core, n, k, q, v, r),
      inbox: (n, k, q, v) => inbox(core, n, k, q, v),
      followers: (n, q, v) => people(core, n, "followers", q, v),
      following: (n, q, v) => people(core, n, "following", q, v),
      favorites: (n, q, v, r) => favorites(core, n, q, v, r),
      lists: (n, t, q, v, r) => lists(core, n, t, q, v, r),
      listMembers: (u, q, v, r) => listMembers(core, u, q, v, r),
      objectFeed: (t, k, f, q, v, r) => objectFeed(core, t, k, f, q, v, r),
      group: (k, f, q, v) => groupFeed(core, k, f, q, v),
    },
    asAS2: (json) => toAS2(json, { base: opts.urls.base }),
  };
}

/** Calls the `onDelivered` hook; a failure there is logged, never a failed delivery. */
async function reportDelivered(ctx: Ctx, act: AS, local: string[], hook: (d: Delivered) => Promise<void>): Promise<void> {
  try {
    const nicks = local.filter((nick) => isDirectTo(ctx, act, nick));
    if (nicks.length === 0) return;
    const ref = (v: unknown): Promise<AS | null> =>
      v && typeof v === "object" && typeof (v as AS).id === "string" ? ctx.objects.get((v as AS).id) : Promise.resolve(null);
    const object = await ref(act.object);
    const direct = await Promise.all(
      nicks.map(async (nickname) => ({
        nickname,
        object: object ? await new EmbedGuard(ctx, ctx.people.personId(nickname)).show(object) : null,
      })),
    );
    await hook({ activity: act, actor: await ref(act.actor), direct });
  } catch (err) {
    ctx.log.error({ err, activity: act.id }, "after-delivery hook failed");
  }
}
