import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import { prefersAS2 } from "../lib/http/as2-negotiation";
import { NotFoundError } from "../lib/errors";
import { findUser } from "../lib/model/user";
import type { CollectionKind } from "../lib/activitypub/actor";
import type { AuthMiddlewares } from "../lib/oauth";
import { createApiHelpers } from "./api-support";
import { packageVersion } from "../lib/version";
import { AS2_CONTENT_TYPE } from "../lib/http/as2-negotiation";

// The AS2 media type ActivityPub requires servers to present (and the
// original's 6.0 alpha answered); peers accept it as activity+json's equal.
const AP_TYPE = AS2_CONTENT_TYPE;
const KINDS: CollectionKind[] = ["inbox", "outbox", "followers", "following", "liked"];

function sendAp(res: Response, doc: unknown, status = 200): void {
  // A Buffer: Express adds no charset parameter to the AS2 media type.
  res.status(status).set("Content-Type", AP_TYPE).send(Buffer.from(JSON.stringify(doc)));
}

/**
 * ActivityPub: the actor document at /:nickname (for AS2 Accept headers),
 * its collections and inboxes below /api/ap/, and NodeInfo 2.0.
 */
export function createActivityPubRouter(ctx: RouterContext, auth: AuthMiddlewares): Router {
  const router = Router();
  const api = createApiHelpers(ctx);
  // As the original's 6.0 alpha: the collections answer OAuth 1.0a and
  // Bearer tokens too (the viewer then sees what the API shows them); the
  // inbox needs its owner's. Without credentials, the public view.
  const collectionAuth: RequestHandler = (req, res, next) => {
    if (req.params.kind === "inbox") return auth.userRead(req, res, next);
    if (req.get("authorization")) return auth.anyRead(req, res, next);
    next();
  };
  const ap = ctx.activitypub;
  const requireUser = async (nick: string) => {
    if (!(await findUser(ctx.bank, nick))) throw new NotFoundError(`No such user: ${nick}`);
  };

  router.get("/.well-known/nodeinfo", (_req, res) => {
    res.set("Access-Control-Allow-Origin", "*");
    res.json({ links: [{ rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: ctx.urls.makeURL("/api/ap/nodeinfo/2.0") }] });
  });
  router.get(
    "/api/ap/nodeinfo/2.0",
    asyncHandler(async (_req, res) => {
      let users = 0;
      await ctx.bank.scan("user", () => users++);
      res.set("Access-Control-Allow-Origin", "*");
      res.type('application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"').send(
        JSON.stringify({
          version: "2.0",
          software: { name: "pump.io", version: packageVersion() },
          protocols: ["activitypub"],
          services: { inbound: [], outbound: [] },
          openRegistrations: !ctx.config.disableRegistration,
          usage: { users: { total: users } },
          metadata: { nodeName: ctx.config.site },
        }),
      );
    }),
  );

  // The actor: the profile page's URL, answered as AS2 when asked for it.
  router.get(
    "/:nickname",
    asyncHandler(async (req: Request, res: Response, next: NextFunction) => {
      if (!prefersAS2(req.get("accept"))) return next();
      if (!(await findUser(ctx.bank, req.params.nickname!))) return next();
      res.vary("Accept");
      sendAp(res, await ap.actor(req.params.nickname!));
    }),
  );
  // The instance actor, whose key signs our fetches: served unsigned, peers read its key.
  router.get(
    "/api/ap/actor",
    asyncHandler(async (_req, res) => {
      sendAp(res, await ap.instanceActor());
    }),
  );
  router.get(
    "/api/ap/users/:nickname/:kind",
    (req, _res, next) => (KINDS.includes(req.params.kind as CollectionKind) ? next() : next("route")),
    collectionAuth,
    asyncHandler(async (req, res) => {
      const kind = req.params.kind as CollectionKind;
      await requireUser(req.params.nickname!);
      const page = typeof req.query.page === "string" && /^[1-9]\d{0,5}$/.test(req.query.page) ? Number(req.query.page) : null;
      sendAp(res, await ap.collection(req.params.nickname!, kind, page, req.auth ? api.viewer(req) : undefined));
    }),
  );

  // Local groups as Group actors: the group's own id, answered as AS2 when asked for it (lib/activitypub/group-actor.ts).
  router.get(
    "/api/group/:uuid",
    asyncHandler(async (req: Request, res: Response, next: NextFunction) => {
      if (!prefersAS2(req.get("accept"))) return next();
      const doc = await ap.groupActor(req.params.uuid!);
      if (!doc) return next();
      res.vary("Accept");
      sendAp(res, doc);
    }),
  );
  router.get(
    "/api/ap/groups/:uuid/:kind(outbox|followers)",
    asyncHandler(async (req, res) => {
      const doc = await ap.groupCollection(req.params.uuid!, req.params.kind as "outbox" | "followers");
      if (!doc) throw new NotFoundError(`No such group: ${req.params.uuid}`);
      sendAp(res, doc);
    }),
  );

  const inbox = (nick: string | null) =>
    asyncHandler(async (req: Request, res: Response) => {
      if (nick === null && req.params.nickname) await requireUser(req.params.nickname);
      await ap.inbox(req.params.nickname ?? null, {
        method: req.method,
        url: ctx.urls.origin + req.originalUrl,
        headers: req.headers,
        rawBody: (req as Request & { rawBody?: Buffer }).rawBody,
        body: req.body,
      });
      res.status(202).json({ ok: true });
    });
  router.post("/api/ap/users/:nickname/inbox", inbox(null));
  router.post("/api/ap/inbox", inbox(null));
  // A group's inbox is the shared inbox's equal: the activity names the group.
  router.post("/api/ap/groups/:uuid/inbox", inbox(null));
  return router;
}
