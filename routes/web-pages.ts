import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import { isTypeSegment } from "../lib/activity";
import type { AS } from "../lib/model/as";
import type { PageData } from "../lib/web/pages";
import { toLogin } from "./web-account";
import { heroImageUrl } from "../lib/web/hero-image";
import { listCandidates, listStream } from "../lib/web/lists";
import { loadProfileSection, recipientChoices, type ProfileSection } from "../lib/web/profile-data";

/**
 * The reading pages: home (major inbox + minor inbox beside it) or the
 * welcome page at `/`, `/main/messages`, the profile and its sections,
 * single lists, activities and objects. `/:nickname` itself (negotiated)
 * is in routes/web.ts.
 */
export function createWebPagesRouter(ctx: RouterContext, deps: { pages: PageData }): Router {
  const router = Router();
  const { engine } = ctx;
  const { pages } = deps;
  const heroImage = heroImageUrl(ctx.config.mainImage, ctx.urls.path);
  const render = (req: Request, res: Response, view: string, data: Record<string, unknown>): void => {
    res.type("html").send(ctx.pages.render(view, { ...pages.common(req), ...data }));
  };

  router.get("/", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return render(req, res, "welcome", { title: "Welcome", heroImage });
    const v = pages.engineViewer(req);
    const n = me.nickname;
    const major = await pages.stream(req, `/api/user/${n}/inbox/major`, (q) => engine.streams.inbox(n, "inbox/major", q, v));
    const minor = await pages.stream(req, `/api/user/${n}/inbox/minor`, (q) => engine.streams.inbox(n, "inbox/minor", q, v), "minorBefore");
    render(req, res, "home", { title: "Home", nav: "home", major, minor, recipients: await recipientChoices(engine, n, v), defaultTo: "public" });
  }));

  router.get("/main/messages", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    const v = pages.engineViewer(req);
    const n = me.nickname;
    const major = await pages.stream(req, `/api/user/${n}/inbox/direct/major`, (q) => engine.streams.inbox(n, "inbox/direct/major", q, v));
    const minor = await pages.stream(req, `/api/user/${n}/inbox/direct/minor`, (q) => engine.streams.inbox(n, "inbox/direct/minor", q, v), "minorBefore");
    render(req, res, "messages", { title: "Messages", nav: "messages", major, minor });
  }));

  const section = (name: ProfileSection) =>
    asyncHandler(async (req, res) => {
      const data = await loadProfileSection(engine, pages, req, name);
      const mine = pages.viewer(req)?.nickname === data.nickname;
      // The owner's own list: its stream and the people they may add (issue 13 item 3).
      let listTools: Record<string, unknown> | undefined;
      if (mine && name === "list" && data.list) {
        const v = pages.engineViewer(req);
        const members = (data.streams[0]?.stream.items ?? []) as AS[];
        const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
        listTools = {
          q,
          candidates: await listCandidates(engine, data.nickname, v, members, q),
          stream: { items: await listStream(engine, data.nickname, v, members), total: null, url: "", older: null },
        };
      }
      render(req, res, "profile", { ...data, mine, listTools, nav: mine ? "profile" : undefined });
    });
  for (const name of ["favorites", "followers", "following", "lists"] as const) router.get(`/:nickname/${name}`, section(name));
  router.get("/:nickname/list/:uuid", section("list"));

  /** Access refused: anonymous readers are sent to log in first, others get the 403 page. */
  const refused = (req: Request, res: Response, err: unknown): boolean => {
    if (!(err instanceof ForbiddenError || err instanceof UnauthorizedError)) return false;
    if (pages.viewer(req)) throw new ForbiddenError("You are not allowed to see this.");
    toLogin(pages, req, res);
    return true;
  };

  router.get("/:nickname/activity/:uuid", asyncHandler(async (req, res) => {
    const nickname = req.params.nickname;
    const v = pages.engineViewer(req);
    let activity: AS;
    try {
      activity = await engine.getActivity(req.params.uuid, v);
    } catch (err) {
      if (refused(req, res, err)) return;
      throw err;
    }
    if (activity.actor?.id !== engine.personId(nickname)) throw new NotFoundError("No such activity of this user.");
    const object = activity.verb === "post" && activity.object && typeof activity.object.id === "string" ? activity.object : null;
    const feeds = object ? await objectFeeds(req, object) : {};
    render(req, res, "activity", { title: `${nickname}'s activity`, activity, object, ...feeds });
  }));

  const objectFeeds = async (req: Request, obj: AS): Promise<Record<string, unknown>> => {
    const v = pages.engineViewer(req);
    const api = String(obj.id).replace(/^https?:\/\/[^/]+/, "").replace(ctx.urls.path, "");
    const load = (feed: "likes" | "replies" | "shares", param: string) =>
      // Headings count what the viewer can see (replies are filtered), as on profiles.
      pages.stream(req, `${api}/${feed}`, (q) => engine.streams.objectFeed(obj.objectType, { id: obj.id }, feed, q, v, { visibleTotal: true }), param);
    return { replies: await load("replies", "before"), likes: await load("likes", "likesBefore"), shares: await load("shares", "sharesBefore") };
  };

  router.get("/:nickname/:type/:uuid", asyncHandler(async (req, res, next) => {
    const { nickname, type, uuid } = req.params;
    if (!isTypeSegment(type)) return next();
    const v = pages.engineViewer(req);
    let object: AS;
    try {
      object = await engine.getObject(type, uuid, v);
    } catch (err) {
      if (refused(req, res, err)) return;
      throw err;
    }
    if (object.author?.id !== engine.personId(nickname)) throw new NotFoundError(`No such ${type} of this user.`);
    const title = object.displayName || `${nickname}'s ${type}`;
    render(req, res, "object", { title, object, ...(await objectFeeds(req, object)) });
  }));

  return router;
}
