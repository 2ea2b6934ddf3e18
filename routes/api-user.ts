import { Router } from "express";
import type { RouterContext } from "../lib/app";
import type { FeedKind, InboxKind, OutboxKind } from "../lib/activity";
import type { AuthMiddlewares } from "../lib/oauth";
import { createApiHelpers, handle, jsonBody, remotePrincipal } from "./api-support";

const OUTBOXES: Array<[string, OutboxKind, FeedKind]> = [
  ["feed", "feed", "feed"],
  ["feed/major", "feed/major", "major"],
  ["feed/minor", "feed/minor", "minor"],
];
const INBOXES: InboxKind[] = ["inbox/major", "inbox/minor", "inbox/direct/major", "inbox/direct/minor", "inbox/direct", "inbox"];

/**
 * A user's streams and profile (api.md §3): `/api/user/:nickname/…`
 * profile, feed[/major|/minor], inbox[…], followers, following, favorites,
 * lists/:type. Mounted after the users router (`/api/user/:nickname`
 * itself) and before every `/api/:type/…` route.
 */
export function createApiUserRouter(ctx: RouterContext, auth: AuthMiddlewares): Router {
  const router = Router();
  const { engine } = ctx;
  const api = createApiHelpers(ctx);
  const nick = (p: { nickname?: string }): string => p.nickname ?? "";

  router.get("/api/user/:nickname/profile", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.getProfile(nick(req.params), api.viewer(req)));
  }));
  router.put("/api/user/:nickname/profile", auth.userWrite, handle(async (req, res) => {
    const nickname = await api.requireSelf(req);
    res.json(await engine.updateProfile(nickname, jsonBody(req), api.generator(req)));
  }));

  for (const [path, kind, feed] of OUTBOXES) {
    router.get(`/api/user/:nickname/${path}`, auth.anyRead, handle(async (req, res) => {
      api.sendRead(req, res, await engine.streams.feed(nick(req.params), kind, req.query, api.viewer(req)));
    }));
    router.post(`/api/user/:nickname/${path}`, auth.userWrite, handle(async (req, res) => {
      const profile = await api.selfProfile(req);
      res.json(await engine.postActivity(nick(req.params), jsonBody(req), api.generator(req), { feed, profile }));
    }));
  }

  for (const kind of INBOXES) {
    // The engine makes the self check (404 unknown user, then 401 "Not authorized").
    router.get(`/api/user/:nickname/${kind}`, auth.userRead, handle(async (req, res) => {
      api.sendRead(req, res, await engine.streams.inbox(nick(req.params), kind, req.query, api.viewer(req)));
    }));
  }

  // Remote delivery (api.md §9): 2-legged, and only from a Dialback-registered client.
  router.post("/api/user/:nickname/inbox", auth.clientWrite, handle(async (req, res) => {
    res.json(await engine.receiveRemote(nick(req.params), jsonBody(req), remotePrincipal(req)));
  }));

  router.get("/api/user/:nickname/followers", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.streams.followers(nick(req.params), req.query, api.viewer(req)));
  }));
  router.get("/api/user/:nickname/following", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.streams.following(nick(req.params), req.query, api.viewer(req)));
  }));
  router.post("/api/user/:nickname/following", auth.userWrite, handle(async (req, res) => {
    const nickname = await api.requireSelf(req);
    res.json(await engine.follow(nickname, jsonBody(req), api.generator(req)));
  }));
  router.get("/api/user/:nickname/favorites", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.streams.favorites(nick(req.params), req.query, api.viewer(req)));
  }));
  router.post("/api/user/:nickname/favorites", auth.userWrite, handle(async (req, res) => {
    const nickname = await api.requireSelf(req);
    res.json(await engine.favorite(nickname, jsonBody(req), api.generator(req)));
  }));
  router.get("/api/user/:nickname/lists/:type", auth.anyRead, handle(async (req, res) => {
    api.sendRead(req, res, await engine.streams.lists(nick(req.params), req.params.type ?? "", req.query, api.viewer(req)));
  }));

  return router;
}
