import type { Logger } from "../log";
import type { AS } from "../model/as";
import type { Ctx } from "../activity/context";
import { forRemote, type RemoteDelivery } from "../activity/distribute";
import { presentActivity } from "../activity/present";
import { hostOfId } from "../activity/remote-principal";
import type { Job, JobQueue } from "../queue/job-queue";
import { HostLimiter } from "./host-limiter";
import { refusedForGood } from "../queue/retry";

/** The job kind of one delivery: one activity to one remote inbox. */
export const FEDERATE_JOB = "federate";

/** What a federate job remembers: ids only, the activity is read afresh when it runs. */
export interface FederatePayload {
  activity: string;
  /** the remote person or group (its inbox is found when the job runs) */
  recipient: string;
}

/** A peer's answer to a delivery. */
export interface PeerAnswer {
  status: number;
  text: string;
}

/**
 * What delivery needs from the federation client (discovery, Dialback
 * registration, signed requests): kept this small so the queue logic does
 * not depend on how peers are found or how credentials are stored.
 */
export interface PeerClient {
  /** The `activity-inbox` URL of a remote person or group; throws when it cannot be found. */
  inboxOf(id: string): Promise<string>;
  /**
   * POSTs the JSON to the inbox, signed 2-legged with the credentials this
   * server holds at the inbox's host for the local person `actorId`
   * (registered by Dialback as that person when missing; when the peer
   * refuses them with a 401, registered again once and the POST retried once).
   */
  postAs(actorId: string, inbox: string, body: AS): Promise<PeerAnswer>;
}

/**
 * A delivery the peer refused or that did not get through; the job is
 * retried, then parked, or parked at once when the peer refused it for
 * good (`permanent`: a 4xx such as 400, 403, 404 or 410; see refusedForGood).
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = "DeliveryError";
    this.permanent = status !== null && refusedForGood(status);
  }
}

/**
 * The job id of a delivery: one per (activity, recipient). Every person
 * and group has one inbox, so this is one job per (activity, inbox); the
 * same activity distributed twice (a distribution job run again after a
 * crash) adds nothing, and the receiver is idempotent on the activity id
 * for the rare delivery sent again after a crash mid-POST.
 */
export function federateJobId(activityId: string, recipientId: string): string {
  return `${FEDERATE_JOB}:${activityId} ${recipientId}`;
}

export interface FederationDeliveryOptions {
  ctx: Ctx;
  jobs: JobQueue;
  peers: PeerClient;
  log: Logger;
  /** Deliveries to one host at once from this process (default 8). */
  perHost?: number;
}

/**
 * Outbound delivery (issue 10 item 3) over the bank's job queue: `deliver`
 * (called by the distribution job, never inside the request that posted)
 * stores one job per remote recipient, then starts them, at most
 * `perHost` at once per host, so a slow or dead peer holds only its own
 * slots. A job left by a crash or a restart is taken over by any worker's
 * poll once its lease expires. Failures are retried by the queue with
 * backoff and jitter, then parked with a log line (`pumpctl jobs`).
 */
export class FederationDelivery implements RemoteDelivery {
  private readonly limiter: HostLimiter;

  constructor(private readonly opts: FederationDeliveryOptions) {
    this.limiter = new HostLimiter(opts.perHost ?? 8);
    opts.jobs.handle(FEDERATE_JOB, (payload, job) => this.run(payload as FederatePayload, job));
  }

  async deliver(activity: AS, recipients: AS[]): Promise<void> {
    if (typeof activity.id !== "string") return;
    const ids: Array<{ id: string; host: string }> = [];
    for (const r of recipients) {
      if (typeof r.id !== "string") continue;
      const payload: FederatePayload = { activity: activity.id, recipient: r.id };
      const job = await this.opts.jobs.add(FEDERATE_JOB, federateJobId(activity.id, r.id), payload);
      ids.push({ id: job.id, host: hostOfId(r.id) ?? r.id });
    }
    // Started, not awaited: the distribution job ends once every delivery is recorded.
    for (const { id, host } of ids) void this.limiter.run(host, () => this.opts.jobs.runNow(id));
  }

  /** One delivery attempt; throws to have the queue retry it later. */
  private async run(p: FederatePayload, job: Job): Promise<void> {
    const { ctx, peers, log } = this.opts;
    const stored = await ctx.activities.get(p.activity);
    if (!stored || typeof stored.deleted === "string") {
      log.info({ activity: p.activity, recipient: p.recipient }, "activity gone before delivery; dropped");
      return;
    }
    const actorId: unknown = stored.actor && typeof stored.actor === "object" ? (stored.actor as AS).id : undefined;
    if (typeof actorId !== "string") return;
    // As the recipient may see it: objects expanded, what is not theirs to read left out.
    const body = forRemote(await presentActivity(ctx, stored, { viewerId: p.recipient }));
    const inbox = await peers.inboxOf(p.recipient);
    const answer = await peers.postAs(actorId, inbox, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw new DeliveryError(`${inbox} answered ${answer.status}: ${answer.text.slice(0, 200)}`, answer.status);
    }
    log.debug({ activity: p.activity, inbox, attempts: job.attempts + 1 }, "delivered");
  }
}
