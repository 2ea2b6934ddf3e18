/**
 * A second independent ActivityPub server for the end-to-end tests:
 * activitypub-express ("apex", 4.4.2) mounted on its own Express app, on
 * its own loopback address (127.0.0.2), with the routes of its README and
 * an in-memory IApexStore (apex-store.ts) instead of MongoDB. People `bob`
 * and `carol`. The tests act as its users through its own client API
 * (POST to an outbox, GET an inbox) with a header naming the user — the
 * peer's stand-in for a login (apex reads `req.user.username`, as set by
 * Passport in real apps).
 *
 * Guards so the peer never reaches the internet: JSON-LD contexts come
 * only from the preloaded store (apex ships the AS and security contexts),
 * and object fetches and deliveries go only to 127.0.0.0/8.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { MemoryApexStore } from "./apex-store";

// activitypub-express ships no types; it is the peer, used only through these calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ActivitypubExpress: (settings: Record<string, unknown>) => any = require("activitypub-express");

const USER_HEADER = "x-apex-test-user";
const NAMES = ["bob", "carol"];

export interface ApexPeer {
  base: string;
  apex: any;
  store: MemoryApexStore;
  actor(name: string): string;
  /** Posts an activity (or a bare object, which apex wraps in a Create) to `name`'s outbox; returns the new activity id. */
  outbox(name: string, activity: Record<string, unknown>): Promise<string>;
  /** `name`'s inbox as apex serves it to its owner (newest first, JSON-LD compacted). */
  inbox(name: string): Promise<any[]>;
  /** Every delivery apex made, with the status it was answered. */
  deliveries: { address: string; status: number; activity: any; answer: string }[];
  /** Activities apex's inbox pipeline accepted ('apex-inbox' events), in order. */
  received: { recipient: string; activity: any }[];
  close(): Promise<void>;
}

function isLoopback(url: string): boolean {
  try {
    return /^127\./.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export async function startApexPeer(): Promise<ApexPeer> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
  const base = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  const routes = {
    actor: "/u/:actor",
    object: "/o/:id",
    activity: "/s/:id",
    inbox: "/u/:actor/inbox",
    outbox: "/u/:actor/outbox",
    followers: "/u/:actor/followers",
    following: "/u/:actor/following",
    liked: "/u/:actor/liked",
    collections: "/u/:actor/c/:id",
    blocked: "/u/:actor/blocked",
    rejections: "/u/:actor/rejections",
    rejected: "/u/:actor/rejected",
    shares: "/s/:id/shares",
    likes: "/s/:id/likes",
  };
  const store = new MemoryApexStore();
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const apex = ActivitypubExpress({ name: "apex test peer", version: "4.4.2", baseUrl: base, actorParam: "actor", objectParam: "id", activityParam: "id", routes, store, logger: quiet });

  const contextLoader = apex.jsonldContextLoader;
  apex.jsonldContextLoader = async (url: string, opts: unknown) => {
    if (!(await store.getContext(url))) throw new Error(`apex test peer: will not fetch JSON-LD context ${url}`);
    return contextLoader(url, opts);
  };
  const requestObject = apex.requestObject;
  apex.requestObject = (id: string) => (isLoopback(id) ? requestObject(id) : Promise.reject(new Error(`apex test peer: will not fetch ${id}`)));
  const deliver = apex.deliver;
  const deliveries: ApexPeer["deliveries"] = [];
  apex.deliver = async (actorId: string, body: string, address: string, key: string) => {
    if (!isLoopback(address)) throw new Error(`apex test peer: will not deliver to ${address}`);
    const res = await deliver(actorId, body, address, key);
    deliveries.push({ address, status: res.statusCode, activity: JSON.parse(body), answer: String(res.body ?? "") });
    return res;
  };

  for (const name of NAMES) await store.saveObject(await apex.createActor(name, name.toUpperCase(), `${name} on apex`));

  const received: ApexPeer["received"] = [];
  const app = express();
  app.use(express.json({ type: apex.consts.jsonldTypes }), express.urlencoded({ extended: true }), apex);
  app.use((req, _res, next) => {
    const user = req.get(USER_HEADER);
    if (user) (req as any).user = { username: user };
    next();
  });
  // apex quirk: a Like or Announce must name an activity (it answers 400 to one of a
  // Note, as Mastodon and we send). Worked around here, in the peer: one naming a
  // local object is taken as naming the Create that made it.
  app.post(routes.inbox, (req, _res, next) => {
    const b = req.body;
    if (b && ["Like", "Announce"].includes(b.type) && typeof b.object === "string" && b.object.startsWith(`${base}/o/`)) {
      b.object = store.createOf(b.object) ?? b.object;
    }
    next();
  });
  app.route(routes.inbox).get(apex.net.inbox.get).post(apex.net.inbox.post);
  app.route(routes.outbox).get(apex.net.outbox.get).post(apex.net.outbox.post);
  app.get(routes.actor, apex.net.actor.get);
  app.get(routes.followers, apex.net.followers.get);
  app.get(routes.following, apex.net.following.get);
  app.get(routes.liked, apex.net.liked.get);
  app.get(routes.object, apex.net.object.get);
  app.get(routes.activity, apex.net.activityStream.get);
  app.get(routes.shares, apex.net.shares.get);
  app.get(routes.likes, apex.net.likes.get);
  app.get("/.well-known/webfinger", apex.net.webfinger.get);
  (app as unknown as NodeJS.EventEmitter).on("apex-inbox", (msg: any) => received.push({ recipient: msg.recipient?.id, activity: msg.activity }));
  server.on("request", app);

  const json = "application/activity+json";
  return {
    base,
    apex,
    store,
    received,
    deliveries,
    actor: (name) => `${base}/u/${name}`,
    async outbox(name, activity) {
      const res = await fetch(`${base}/u/${name}/outbox`, {
        method: "POST",
        headers: { "Content-Type": json, [USER_HEADER]: name },
        // apex takes a body without an actor for a bare object, and wraps it in a Create.
        body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", actor: `${base}/u/${name}`, ...activity }),
      });
      if (res.status !== 201) throw new Error(`apex outbox of ${name}: ${res.status} ${await res.text()}`);
      const id = res.headers.get("location")!;
      // apex quirk: its outbox stores a new object before setting its attributedTo (the
      // later save is refused as a duplicate), so its author could never Update or
      // Delete it (403). Store the object as apex meant to: as embedded in the Create.
      const act = await store.getActivity(id);
      if (act?.type === "Create" && act.object?.[0]?.id) await store.updateObject(act.object[0], act.actor[0], true);
      return id;
    },
    async inbox(name) {
      const res = await fetch(`${base}/u/${name}/inbox?page=true`, { headers: { Accept: json, [USER_HEADER]: name } });
      if (res.status !== 200) throw new Error(`apex inbox of ${name}: ${res.status} ${await res.text()}`);
      const page: any = await res.json();
      return [page.orderedItems ?? []].flat();
    },
    close: () =>
      new Promise<void>((r) => {
        store.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
