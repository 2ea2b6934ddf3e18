import { Router, type Request, type Response, type NextFunction } from "express";
import type { RouterContext } from "../lib/app";
import { HttpError } from "../lib/errors";
import { prefersAS2 } from "../lib/http/as2-negotiation";
import { asyncHandler } from "../lib/http/async-handler";
import type { AuthMiddlewares } from "../lib/oauth";
import { WebActions } from "../lib/web/actions";
import type { WebAuth } from "../lib/web/auth";
import { csrfProtection } from "../lib/web/csrf";
import { PageData } from "../lib/web/pages";
import { loadProfileSection } from "../lib/web/profile-data";
import { createApiHelpers } from "./api-support";
import { createWebAccountRouter } from "./web-account";
import { createWebFormsRouter } from "./web-forms";
import { createWebEmailRouter } from "./web-email";
import { createWebPagesRouter } from "./web-pages";
import { createWebNotificationsRouter } from "./web-notifications";
import { createWebListsRouter } from "./web-lists";
import { createWebPeopleRouter } from "./web-people";
import { createWebRemoteRouter } from "./web-remote";
import { Notifications } from "../lib/web/notifications";
import { PrefsStore } from "../lib/web/prefs";

/** What `/:nickname` may answer with (api.md §12): JSON kinds first, so `*\/*` and no Accept mean the API profile. */
const PROFILE_TYPES = ["application/json", "application/stream+json", "application/activity+json", "application/ld+json", "text/html"];

/** Paths that belong to other routers: the web UI's catch-all routes leave them alone. */
const NOT_OURS = /^\/(api|oauth|\.well-known)(\/|$)/;

/**
 * The web UI (webui.md): pages and form endpoints, mounted LAST among
 * routers because `/:nickname/…` catches everything. With `noweb`, only
 * the API description at `/` and the API profile at `/:nickname`.
 */
export function createWebRouter(ctx: RouterContext, deps: { web: WebAuth; auth: AuthMiddlewares }): Router {
  const router = Router();
  const { engine, config } = ctx;
  const api = createApiHelpers(ctx);
  const pages = new PageData({ config, urls: ctx.urls, engine, nicknameOf: deps.web.nicknameOf });
  const actions = new WebActions({ config, bank: ctx.bank, urls: ctx.urls, engine, passwords: ctx.passwords });

  router.use(NOT_OURS, (_req, _res, next) => next("router"));
  // Confirmation links reach API-only sites too (webui.md §3).
  router.use(createWebEmailRouter(ctx, { web: deps.web, pages }));

  /** GET /:nickname as JSON: the API profile (AS2 when preferred), auth as the API's reads. */
  const apiProfile = [
    deps.auth.anyRead,
    asyncHandler(async (req: Request, res: Response) => {
      api.sendRead(req, res, await engine.getProfile(req.params.nickname ?? "", api.viewer(req)));
    }),
  ];

  if (config.noweb) {
    router.get("/", (_req, res) => {
      res.type("html").send(ctx.pages.render("api", { title: "API" }));
    });
    router.get("/:nickname", ...apiProfile);
    return router;
  }

  // Every state-changing request to /main/* carries the session's CSRF token.
  router.use("/main", csrfProtection());
  const notifications = new Notifications({ engine, prefs: new PrefsStore(ctx.bank), profileUrl: (n) => ctx.urls.makeURL(`/${n}`) });
  router.use(createWebNotificationsRouter(ctx, { pages, notifications }));
  router.use(createWebAccountRouter(ctx, { web: deps.web, actions, pages }));
  router.use(createWebFormsRouter(ctx, { actions, pages }));
  router.use(createWebListsRouter(ctx, { actions, pages }));
  router.use(createWebPeopleRouter(ctx, { pages, actions }));
  router.use(createWebRemoteRouter(ctx, { pages }));

  router.get("/:nickname", (req: Request, res: Response, next: NextFunction) => {
    res.vary("Accept");
    // Express's negotiator only matches an Accept entry with parameters to an
    // offer with the same parameters, so `application/ld+json; profile="…as…"`
    // found no offer here (406): ask the API's own AS2 rule first.
    if (prefersAS2(req.get("accept"))) return runAll(apiProfile, req, res, next);
    const type = req.accepts(PROFILE_TYPES);
    if (!type) return next(new HttpError(406, "Not acceptable"));
    if (type !== "text/html") return runAll(apiProfile, req, res, next);
    loadProfileSection(engine, pages, req, "activity").then((data) => {
      const nav = pages.viewer(req)?.nickname === data.nickname ? "profile" : undefined;
      res.type("html").send(ctx.pages.render("profile", { ...pages.common(req), ...data, nav }));
    }, next);
  });

  router.use(createWebPagesRouter(ctx, { pages }));
  return router;
}

/** Runs a chain of handlers as one. */
function runAll(handlers: Array<(req: Request, res: Response, next: NextFunction) => unknown>, req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err !== undefined && err !== null) return done(err);
    const h = handlers[i++];
    if (!h) return done();
    try {
      void h(req, res, next);
    } catch (e) {
      done(e);
    }
  };
  next();
}
