import { Router } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import { directory } from "../lib/web/directory";
import type { PageData } from "../lib/web/pages";
import { PrefsStore } from "../lib/web/prefs";
import { formDone } from "../lib/web/respond";
import { UnauthorizedError } from "../lib/errors";

/**
 * Finding people (issue 13 item 5, this site's part): `GET /main/people`
 * (the directory, `?q=` searches names and nicknames; readable without
 * logging in) and `POST /main/settings/directory` (opt out of it).
 */
export function createWebPeopleRouter(ctx: RouterContext, deps: { pages: PageData }): Router {
  const router = Router();
  const { pages } = deps;
  const prefs = new PrefsStore(ctx.bank);

  router.get("/main/people", asyncHandler(async (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
    const items = await directory({ bank: ctx.bank, engine: ctx.engine }, q, pages.engineViewer(req));
    const people = { items, total: items.length, url: "", older: null };
    res.type("html").send(ctx.pages.render("people", { ...pages.common(req), title: "People", nav: "people", q, people }));
  }));

  router.post("/main/settings/directory", asyncHandler(async (req, res) => {
    const v = pages.viewer(req);
    if (!v) throw new UnauthorizedError("Log in first.");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const saved = await prefs.set(v.nickname, { hideFromDirectory: body.listed !== "on" });
    formDone(req, res, { listed: !saved.hideFromDirectory }, pages.sitePath("/main/settings"));
  }));
  return router;
}
