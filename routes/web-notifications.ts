import { Router, type NextFunction, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import type { Notifications } from "../lib/web/notifications";
import { UNREAD_KEY as UNREAD, type PageData } from "../lib/web/pages";
import { toLogin } from "./web-account";


/**
 * Notifications (issue 13 item 4): the unread count every logged-in
 * page's navigation shows, `GET /main/notifications` (the list; reading
 * it marks them seen) and `GET /main/notifications/count` (JSON, for the
 * badge to follow realtime updates).
 */
export function createWebNotificationsRouter(ctx: RouterContext, deps: { pages: PageData; notifications: Notifications }): Router {
  const router = Router();
  const { pages, notifications } = deps;
  const viewerOf = (req: Request) => {
    const v = pages.viewer(req);
    return v ? { nickname: v.nickname, personId: v.personId } : null;
  };

  router.get("/main/notifications/count", asyncHandler(async (req, res) => {
    const v = viewerOf(req);
    res.set("Cache-Control", "no-store");
    res.json({ unread: v ? await notifications.unread(v) : 0 });
  }));

  router.get("/main/notifications", asyncHandler(async (req, res) => {
    const v = viewerOf(req);
    if (!v) return toLogin(pages, req, res);
    const items = await notifications.list(v);
    const seen = await notifications.seenStamp(v.nickname);
    await notifications.markSeen(v.nickname, items);
    const stream = { items, total: null, url: ctx.urls.makeURL(`/api/user/${v.nickname}/inbox/minor`), older: null };
    res.type("html").send(ctx.pages.render("notifications", { ...pages.common(req), unread: 0, title: "Notifications", nav: "notifications", stream, seen }));
  }));

  // Every other logged-in page: the count for the navigation's badge.
  router.use(asyncHandler(async (req: Request, _res: Response, next: NextFunction) => {
    // Only for pages a browser asked for: API-style reads of /:nickname need no badge.
    const v = req.method === "GET" && (req.get("accept") ?? "").includes("text/html") ? viewerOf(req) : null;
    if (v) (req as unknown as Record<symbol, number>)[UNREAD] = await notifications.unread(v);
    next();
  }));
  return router;
}
