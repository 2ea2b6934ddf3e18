import { Router, type Request } from "express";
import type { RouterContext } from "../lib/app";
import { UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import type { WebActions, Fields } from "../lib/web/actions";
import type { PageData } from "../lib/web/pages";
import { formDone } from "../lib/web/respond";

type Action = "post" | "reply" | "like" | "unlike" | "share" | "unshare" | "follow" | "unfollow" | "delete";

/**
 * The web client's action endpoints (POST, CSRF-checked by the web
 * router): each acts as the session's user through the engine and answers
 * a 303 back to the page, or JSON for the client script.
 */
export function createWebFormsRouter(_ctx: RouterContext, deps: { actions: WebActions; pages: PageData }): Router {
  const router = Router();
  const { actions, pages } = deps;
  const me = (req: Request): string => {
    const v = pages.viewer(req);
    if (!v) throw new UnauthorizedError("Log in first.");
    return v.nickname;
  };
  const run: Record<Action, (nickname: string, f: Fields) => Promise<unknown>> = {
    post: (n, f) => actions.postNote(n, f),
    reply: (n, f) => actions.reply(n, f),
    like: (n, f) => actions.like(n, f),
    unlike: (n, f) => actions.unlike(n, f),
    share: (n, f) => actions.share(n, f),
    unshare: (n, f) => actions.unshare(n, f),
    follow: (n, f) => actions.follow(n, f),
    unfollow: (n, f) => actions.unfollow(n, f),
    delete: (n, f) => actions.deleteObject(n, f),
  };
  for (const [name, fn] of Object.entries(run)) {
    router.post(`/main/${name}`, asyncHandler(async (req, res) => {
      const result = await fn(me(req), (req.body ?? {}) as Fields);
      formDone(req, res, result, pages.sitePath("/"));
    }));
  }
  return router;
}
