import { Router } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import { directory } from "../lib/web/directory";
import type { PageData } from "../lib/web/pages";
import { PrefsStore } from "../lib/web/prefs";
import { formDone } from "../lib/web/respond";
import { UnauthorizedError } from "../lib/errors";
import { parseWebfinger } from "../lib/federation";
import type { WebActions } from "../lib/web/actions";

/**
 * Finding people (issue 13 item 5, this site's part): `GET /main/people`
 * (the directory, `?q=` searches names and nicknames; readable without
 * logging in), `POST /main/settings/directory` (opt out of it) and
 * `POST /main/follow-remote` (follow `user@otherhost` by its acct: id; the
 * engine's follow is delivered by the federation).
 */
export function createWebPeopleRouter(ctx: RouterContext, deps: { pages: PageData; actions: WebActions }): Router {
  const router = Router();
  const { pages } = deps;
  const prefs = new PrefsStore(ctx.bank);

  router.get("/main/people", asyncHandler(async (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
    const items = await directory({ bank: ctx.bank, engine: ctx.engine }, q, pages.engineViewer(req));
    const people = { items, total: items.length, url: "", older: null };
    const followed = typeof req.query.followed === "string" ? req.query.followed.slice(0, 300) : "";
    res.type("html").send(ctx.pages.render("people", { ...pages.common(req), title: "People", nav: "people", q, people, followed }));
  }));

  router.post("/main/settings/directory", asyncHandler(async (req, res) => {
    const v = pages.viewer(req);
    if (!v) throw new UnauthorizedError("Log in first.");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const saved = await prefs.set(v.nickname, { hideFromDirectory: body.listed !== "on" });
    formDone(req, res, { listed: !saved.hideFromDirectory }, pages.sitePath("/main/settings"));
  }));
  router.post("/main/follow-remote", asyncHandler(async (req, res) => {
    const v = pages.viewer(req);
    if (!v) throw new UnauthorizedError("Log in first.");
    const { webfinger } = parseWebfinger(((req.body ?? {}) as Record<string, unknown>).webfinger);
    const act = await deps.actions.follow(v.nickname, { object: `acct:${webfinger}`, objectType: "person" });
    formDone(req, res, act, pages.sitePath(`/main/people?followed=${encodeURIComponent(webfinger)}`));
  }));
  return router;
}
