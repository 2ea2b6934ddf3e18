import { Router } from "express";
import type { RouterContext } from "../lib/app";
import type { AuthMiddlewares } from "../lib/oauth";
import { createApiHelpers, handle, jsonBody, queryString, remotePrincipal } from "./api-support";

const GROUP_FEEDS = ["members", "inbox", "documents"] as const;

/**
 * Activities, list members and group streams (api.md §3):
 * `/api/activity/:uuid`, `/api/collection/:uuid/members`,
 * `/api/group/:uuid/{members,inbox,documents}` and their `?id=` forms.
 * Mounted before the generic `/api/:type/…` routes they shadow.
 */
export function createApiActivityRouter(ctx: RouterContext, auth: AuthMiddlewares): Router {
  const router = Router();
  const { engine } = ctx;
  const api = createApiHelpers(ctx);
  const uuidOf = (p: { uuid?: string }): string => p.uuid ?? "";

  router.get("/api/activity/:uuid", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.getActivity(uuidOf(req.params), api.viewer(req)));
  }));
  router.put("/api/activity/:uuid", auth.userWrite, handle(async (req, res) => {
    res.json(await engine.putActivity(uuidOf(req.params), jsonBody(req), api.actor(req)));
  }));
  router.delete("/api/activity/:uuid", auth.userWrite, handle(async (req, res) => {
    res.json(await engine.deleteActivity(uuidOf(req.params), api.actor(req)));
  }));

  router.get("/api/collection/:uuid/members", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.streams.listMembers(uuidOf(req.params), req.query, api.viewer(req)));
  }));
  router.post("/api/collection/:uuid/members", auth.userWrite, handle(async (req, res) => {
    res.json(await engine.addToList(uuidOf(req.params), jsonBody(req), api.actor(req), api.generator(req)));
  }));

  // Remote delivery to a local group (federation.md §6): Dialback-bound clients only.
  router.post("/api/group/:uuid/inbox", auth.clientWrite, handle(async (req, res) => {
    res.json(await engine.receiveRemoteForGroup(uuidOf(req.params), jsonBody(req), remotePrincipal(req)));
  }));

  for (const feed of GROUP_FEEDS) {
    router.get(`/api/group/:uuid/${feed}`, auth.anyRead, handle(async (req, res) => {
      api.sendRead(req, res, await engine.streams.group({ uuid: uuidOf(req.params) }, feed, req.query, api.viewer(req)));
    }));
    router.get(`/api/group/${feed}`, auth.anyRead, handle(async (req, res) => {
      api.sendRead(req, res, await engine.streams.group({ id: queryString(req.query.id) }, feed, req.query, api.viewer(req)));
    }));
  }

  return router;
}
