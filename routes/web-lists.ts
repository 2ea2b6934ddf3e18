import { Router, type Request } from "express";
import type { RouterContext } from "../lib/app";
import { UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import type { WebActions } from "../lib/web/actions";
import { ListActions } from "../lib/web/lists";
import type { PageData } from "../lib/web/pages";
import { formDone } from "../lib/web/respond";

/**
 * The list forms (POST, CSRF-checked by the web router): create, rename,
 * delete a list; add and remove a member. Each answers a 303 back to
 * the page (or JSON for the client script).
 */
export function createWebListsRouter(ctx: RouterContext, deps: { actions: WebActions; pages: PageData }): Router {
  const router = Router();
  const { pages } = deps;
  const lists = new ListActions({ engine: ctx.engine, urls: ctx.urls, generator: deps.actions.generator });
  const me = (req: Request): string => {
    const v = pages.viewer(req);
    if (!v) throw new UnauthorizedError("Log in first.");
    return v.nickname;
  };
  const forms = {
    create: lists.create.bind(lists),
    rename: lists.rename.bind(lists),
    delete: lists.remove.bind(lists),
    add: lists.addMember.bind(lists),
    remove: lists.removeMember.bind(lists),
  };
  for (const [name, fn] of Object.entries(forms)) {
    router.post(`/main/lists/${name}`, asyncHandler(async (req, res) => {
      const nickname = me(req);
      const result = await fn(nickname, (req.body ?? {}) as Record<string, unknown>);
      formDone(req, res, result, pages.sitePath(`/${nickname}/lists`));
    }));
  }
  return router;
}
