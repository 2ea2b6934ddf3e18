/**
 * A small ActivityPub server built with @fedify/fedify (its own Federation
 * object, MemoryKvStore, own HTTP server on loopback): the independent peer
 * of the end-to-end tests. People `bob` and `carol` (or those given); every
 * activity its inboxes receive is recorded; a Follow is answered by an
 * Accept (a Reject for the people in `rejectFollows`). `authorizedFetch`:
 * its actors (and so their keys) answer only signed GETs (fedify's
 * `.authorize()`, as Mastodon's secure mode), 401 otherwise.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadFedify } from "../../lib/activitypub/fedify";

export interface Received {
  /** the inbox's owner, or null for the shared inbox */
  recipient: string | null;
  json: any;
}

export interface FedifyPeer {
  base: string;
  actor(name: string): string;
  received: Received[];
  /** Sends an activity (JSON-LD, compacted AS2) from `name` to the given actor (id and inbox). */
  send(name: string, to: { id: string; inbox: string }, activity: Record<string, unknown>): Promise<void>;
  /** Signs a raw POST as `name` (for the refusal tests). */
  signedPost(name: string, url: string, body: string, opts?: { key?: CryptoKey }): Promise<Request>;
  /** The private key of `name` (for tests that sign by other means, e.g. RFC 9421). */
  privateKey(name: string): CryptoKey;
  close(): Promise<void>;
}

export interface FedifyPeerOptions {
  people?: string[];
  authorizedFetch?: boolean;
  rejectFollows?: string[];
}

export async function startFedifyPeer(opts: FedifyPeerOptions = {}): Promise<FedifyPeer> {
  const f = await loadFedify();
  const received: Received[] = [];
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = new Map<string, CryptoKeyPair>();
  for (const name of opts.people ?? ["bob", "carol"]) keys.set(name, (await f.generateCryptoKeyPair("RSASSA-PKCS1-v1_5")) as CryptoKeyPair);

  const fed = f.createFederation<void>({ kv: new f.MemoryKvStore(), allowPrivateAddress: true });
  const actors = fed
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (!keys.has(identifier)) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new f.Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier.toUpperCase(),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new f.Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        publicKey: pairs[0]!.cryptographicKey,
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      const pair = keys.get(identifier);
      return pair ? [pair as any] : [];
    });
  if (opts.authorizedFetch) actors.authorize(async (ctx) => (await ctx.getSignedKey()) !== null);
  fed.setFollowersDispatcher("/users/{identifier}/followers", async () => ({ items: [] }));
  fed
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(f.Follow, async (ctx, follow) => {
      received.push({ recipient: ctx.recipient, json: await follow.toJsonLd({ format: "compact" }) });
      const follower = await follow.getActor(ctx);
      const target = ctx.parseUri(follow.objectId);
      if (!follower || target?.type !== "actor") return;
      const answer = opts.rejectFollows?.includes(target.identifier) ? f.Reject : f.Accept;
      await ctx.sendActivity({ identifier: target.identifier }, follower, new answer({ id: new URL(`${base}/answers/${received.length}`), actor: follow.objectId, object: follow }));
    })
    .on(f.Activity, async (ctx, activity) => {
      received.push({ recipient: ctx.recipient, json: await activity.toJsonLd({ format: "compact" }) });
    });

  server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const request = new Request(base + req.url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
        const response = await fed.fetch(request, { contextData: undefined });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });

  const ctx = fed.createContext(new URL(base), undefined);
  return {
    base,
    actor: (name) => `${base}/users/${name}`,
    received,
    async send(name, to, activity) {
      const act = await f.Activity.fromJsonLd({ "@context": "https://www.w3.org/ns/activitystreams", ...activity }, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
      await ctx.sendActivity({ identifier: name }, { id: new URL(to.id), inboxId: new URL(to.inbox) }, act, { immediate: true });
    },
    async signedPost(name, url, body, opts = {}) {
      const req = new Request(url, { method: "POST", headers: { "Content-Type": "application/activity+json", Date: new Date().toUTCString() }, body });
      return f.signRequest(req, opts.key ?? keys.get(name)!.privateKey, new URL(`${base}/users/${name}#main-key`));
    },
    privateKey: (name) => keys.get(name)!.privateKey,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
