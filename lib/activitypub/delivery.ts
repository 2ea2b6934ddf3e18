import type { Logger } from "../log";
import { isPlainObject, type AS } from "../model/as";
import type { Ctx } from "../activity/context";
import type { RemoteDelivery } from "../activity/distribute";
import { forRemote } from "../activity/distribute";
import { presentActivity } from "../activity/present";
import type { JobQueue } from "../queue/job-queue";
import type { SafeFetcher } from "../net/safe-request";
import { actorKey } from "./keys";
import { ApIds } from "./ids";
import { activityToAs2 } from "./to-as2";
import { fetchActor, knownActor, type RemoteActor } from "./remote-actors";
import { signedRequest } from "./signatures";
import { signedDocumentLoader, type DocumentLoader } from "./signed-fetch";
import { blockersOf } from "./relationships";
import { PermanentJobError, refusedForGood } from "../queue/retry";
import { groupAnnounce, groupFollowers, groupKeyName, groupUuidOf } from "./group-actor";

/** The job kind of one ActivityPub delivery: one activity to one (shared) inbox. */
export const AP_DELIVER_JOB = "ap-deliver";

/** A stored activity (read afresh when the job runs) or a ready AS2 body (an Accept), to one inbox. */
export interface ApDeliverPayload {
  nick: string;
  inbox: string;
  activity?: string;
  /** the recipient whose view of the activity is sent */
  recipient?: string;
  body?: AS;
  /** sign with this key instead of the person's (a group's: see group-actor.ts) */
  signAs?: { keyName: string; keyId: string };
  /** send the stored activity wrapped in an Announce by this local group (its uuid) */
  announceBy?: string;
}

export interface ApDeliveryOptions {
  ctx: Ctx;
  jobs: JobQueue;
  fetcher: SafeFetcher;
  /** pump.io delivery, for every recipient that does not speak ActivityPub */
  pump: RemoteDelivery;
  log: Logger;
}

/**
 * pump.io ids of remote people and groups: a profile endpoint, a group's
 * API URL, or an acct: id. A pump.io server of ours also answers these as
 * ActivityPub actors (groups since they became Group actors), but between
 * pump.io servers pump.io federation says more (joins, lists, dialback).
 */
function looksPump(id: string): boolean {
  return id.startsWith("acct:") || /\/api\/user\/[^/]+\/profile$/.test(id) || /\/api\/group\/[^/?#]+$/.test(id);
}

/**
 * Remote delivery by protocol: recipients known as ActivityPub actors (met
 * in our inbox or found by fetching their id as AS2) get one signed
 * `ap-deliver` job per inbox (shared inboxes collapse many followers of one
 * server into one POST); everyone else goes to pump.io federation. Both on
 * the same durable job queue.
 */
export class ApDelivery implements RemoteDelivery {
  readonly ids: ApIds;
  private readonly load: DocumentLoader;

  constructor(private readonly opts: ApDeliveryOptions) {
    this.ids = new ApIds(opts.ctx.urls, opts.ctx.people);
    this.load = signedDocumentLoader({ bank: opts.ctx.bank, fetcher: opts.fetcher, ids: this.ids });
    opts.jobs.handle(AP_DELIVER_JOB, (payload) => this.run(payload as ApDeliverPayload));
  }

  private async apActorOf(r: AS): Promise<RemoteActor | null> {
    if (typeof r.id !== "string") return null;
    const known = await knownActor(this.opts.ctx.bank, r.id);
    if (known || looksPump(r.id) || !/^https?:\/\//.test(r.id)) return known;
    try {
      return await fetchActor(this.opts.ctx.bank, this.opts.fetcher, r.id, false, this.load);
    } catch {
      return null;
    }
  }

  async deliver(activity: AS, recipients: AS[]): Promise<void> {
    const pump: AS[] = [];
    const byInbox = new Map<string, string>();
    const nick = isPlainObject(activity.actor) ? this.opts.ctx.people.nicknameOf(activity.actor.id) : null;
    const blockers = nick ? await blockersOf(this.opts.ctx.bank, nick) : new Set<string>();
    for (const r of recipients) {
      const actor = await this.apActorOf(r);
      if (!actor) pump.push(r);
      // An actor that blocked the poster gets nothing of theirs (relationships.ts).
      else if (blockers.has(actor.id)) continue;
      else if (!byInbox.has(actor.sharedInbox ?? actor.inbox)) byInbox.set(actor.sharedInbox ?? actor.inbox, actor.id);
    }
    if (pump.length > 0) await this.opts.pump.deliver(activity, pump);
    if (!nick || typeof activity.id !== "string" || byInbox.size === 0) return;
    for (const [inbox, recipient] of byInbox) await this.enqueue({ nick, inbox, activity: activity.id, recipient });
  }

  /**
   * Posted to local groups: each group's ActivityPub followers get the
   * activity as an Announce by the group, one job per (shared) inbox.
   */
  async postedToGroups(activity: AS, groupIds: string[]): Promise<void> {
    if (typeof activity.id !== "string" || !activityToAs2(this.ids, activity)) return;
    for (const groupId of groupIds) {
      const uuid = groupUuidOf(this.ids, groupId);
      if (!uuid) continue;
      const byInbox = new Map<string, string>();
      for (const f of await groupFollowers(this.opts.ctx.bank, groupId)) if (!byInbox.has(f.inbox)) byInbox.set(f.inbox, f.actor);
      for (const [inbox, recipient] of byInbox) {
        await this.enqueue({ nick: groupKeyName(uuid), inbox, activity: activity.id, recipient, announceBy: uuid, signAs: this.groupSigner(uuid) });
      }
    }
  }

  private groupSigner(uuid: string): { keyName: string; keyId: string } {
    return { keyName: groupKeyName(uuid), keyId: `${this.opts.ctx.urls.makeURL(`/api/group/${uuid}`)}#main-key` };
  }

  /** Queues a body signed by a local group's key to one inbox. */
  sendAsGroup(uuid: string, inbox: string, body: AS): Promise<void> {
    return this.enqueue({ nick: groupKeyName(uuid), inbox, body, signAs: this.groupSigner(uuid) });
  }

  /** Queues one delivery and starts it now (the queue retries it if this attempt fails). */
  async enqueue(p: ApDeliverPayload): Promise<void> {
    const key = (p.announceBy ? `announce ${p.announceBy} ` : "") + (p.activity ?? (typeof p.body?.id === "string" ? p.body.id : JSON.stringify(p.body)));
    const job = await this.opts.jobs.add(AP_DELIVER_JOB, `${AP_DELIVER_JOB}:${key} ${p.inbox}`, p);
    void this.opts.jobs.runNow(job.id).catch(() => undefined);
  }

  /**
   * pump.io keeps no link from a stop-following to the follow it ends, and some
   * peers (activitypub-express) only honour an Undo naming the Follow's id: the
   * id of each Follow sent is kept (apfollow) and given to the Undo's Follow.
   */
  private async linkUndoToFollow(body: AS): Promise<void> {
    const bank = this.opts.ctx.bank;
    if (body.type === "Follow" && typeof body.id === "string") {
      const key = `${body.actor} ${body.object}`;
      await bank.save("apfollow", key, { key, activity: body.id });
    } else if (body.type === "Undo" && isPlainObject(body.object) && body.object.type === "Follow" && !body.object.id) {
      const found = await bank.find<{ activity: string }>("apfollow", `${body.object.actor} ${body.object.object}`);
      if (found) body.object = { id: found.activity, ...body.object };
    }
  }

  private async run(p: ApDeliverPayload): Promise<void> {
    const { ctx, log } = this.opts;
    let body = p.body ?? null;
    if (!body && p.activity) {
      const stored = await ctx.activities.get(p.activity);
      if (!stored) return;
      // A group's followers are no recipients of the post (the group is): the author's view is what the group passes on.
      const viewerId = p.announceBy && isPlainObject(stored.actor) ? stored.actor.id : (p.recipient ?? null);
      body = activityToAs2(this.ids, forRemote(await presentActivity(ctx, stored, { viewerId })));
    }
    if (body && p.announceBy) body = groupAnnounce(this.ids, this.opts.ctx.urls.makeURL(`/api/group/${p.announceBy}`), p.announceBy, body);
    if (!body) return;
    await this.linkUndoToFollow(body);
    const key = await actorKey(ctx.bank, p.signAs?.keyName ?? p.nick);
    const keyId = p.signAs?.keyId ?? this.ids.keyId(p.nick);
    const res = await signedRequest(this.opts.fetcher, { key, keyId }, p.inbox, { method: "POST", body: JSON.stringify(body) });
    if (res.status < 200 || res.status >= 300) {
      const message = `${p.inbox} answered ${res.status}: ${res.text().slice(0, 200)}`;
      // A peer that refuses the activity itself (400, 403, 404, 410...) refuses it every time: parked at once.
      throw refusedForGood(res.status) ? new PermanentJobError(message) : new Error(message);
    }
    log.debug({ activity: body.id, inbox: p.inbox }, "delivered by ActivityPub");
  }
}
