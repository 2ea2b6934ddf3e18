import type { Bank } from "../databank";
import type { Logger } from "../log";
import { ADDRESS_FIELDS, isPlainObject, type AS } from "../model/as";
import type { SafeFetcher } from "../net/safe-request";
import type { JrdLink } from "../federation/discovery";
import { fetchActor } from "./remote-actors";
import type { DocumentLoader } from "./signed-fetch";

/** AS2 media types of a WebFinger `self` link that names an ActivityPub actor. */
function isAs2Type(type: string | undefined): boolean {
  const t = (type ?? "").toLowerCase().replace(/\s+/g, "");
  return t === "application/activity+json" || (t.startsWith("application/ld+json") && t.includes("https://www.w3.org/ns/activitystreams"));
}

/**
 * Rels only pump.io servers give (lib/federation/discovery.ts: a person's
 * inbox and outbox, Dialback, the OAuth endpoints): their presence means
 * the person speaks pump.io, which our pump.io federation handles.
 */
function isPumpRel(rel: string): boolean {
  return ["activity-inbox", "activity-outbox", "dialback"].includes(rel) || rel.startsWith("http://apinamespace.org/");
}

/**
 * Which protocol a WebFinger answer says its person speaks: the actor id
 * when it is ActivityPub only (a `self` link of an AS2 type and no pump.io
 * link), else null (pump.io, or both: pump.io federation is kept for our
 * own kind).
 */
export function activityPubActorOf(links: JrdLink[]): string | null {
  if (links.some((l) => isPumpRel(l.rel))) return null;
  const self = links.find((l) => l.rel === "self" && isAs2Type(l.type) && typeof l.href === "string" && /^https?:\/\//i.test(l.href));
  return self?.href ?? null;
}

/**
 * The longest a post waits for one WebFinger lookup: the lookup goes on and
 * its answer is cached for later posts, but this one keeps the acct: id
 * (a dead or slow host must not hold a post for the fetcher's full deadlines).
 */
const LOOKUP_WAIT_MS = 5_000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export interface AcctResolverDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  load: DocumentLoader;
  webfinger(resource: string): Promise<JrdLink[]>;
  /** Our own people's acct: ids (on port 80/443 every local person id is one): never looked up. */
  isLocal(id: string): boolean;
  log: Logger;
}

/**
 * Rewrites, in a local person's activity before it is processed, the
 * `acct:` ids of people who speak only ActivityPub to their actor ids (the
 * followed or unfollowed person, and people in to/cc/bto/bcc), so that the
 * follow edge, the following list and delivery all use the id their
 * server uses, and delivery goes by ActivityPub. The actor is fetched
 * (signed) and kept. An id whose WebFinger fails stays as it is (pump.io
 * federation then retries it as before).
 */
export function createAcctResolver(deps: AcctResolverDeps): (act: AS) => Promise<void> {
  async function resolve(ref: AS): Promise<AS> {
    if (typeof ref.id !== "string" || !/^acct:/i.test(ref.id) || deps.isLocal(ref.id)) return ref;
    let actorId: string | null;
    try {
      actorId = activityPubActorOf(await within(deps.webfinger(ref.id), LOOKUP_WAIT_MS));
    } catch (err) {
      deps.log.debug({ err, id: ref.id }, "WebFinger failed; id kept");
      return ref;
    }
    if (!actorId) return ref;
    const out: AS = { ...ref, id: actorId };
    try {
      const actor = await within(fetchActor(deps.bank, deps.fetcher, actorId, false, deps.load), LOOKUP_WAIT_MS);
      out.preferredUsername ??= actor.preferredUsername;
      out.displayName ??= actor.name ?? actor.preferredUsername;
      out.url ??= actorId;
    } catch (err) {
      // Delivery fetches it again (and retries); the id is right either way.
      deps.log.debug({ err, id: actorId }, "actor not fetched yet");
    }
    return out;
  }
  return async (act) => {
    if (isPlainObject(act.object)) act.object = await resolve(act.object);
    for (const f of ADDRESS_FIELDS) {
      if (Array.isArray(act[f])) act[f] = await Promise.all(act[f].map((r: unknown) => (isPlainObject(r) ? resolve(r) : r)));
    }
  };
}
