import { Router, type RequestHandler } from "express";
import type { RouterContext } from "../lib/app";
import type { AuthMiddlewares } from "../lib/oauth";
import { checkType, createApiHelpers, handle, jsonBody, queryString } from "./api-support";

const OBJECT_FEEDS = ["likes", "replies", "shares"] as const;

/**
 * Objects by type (api.md §3), in the original's order:
 * `/api/:type/{likes,replies,shares}?id=`, `/api/:type/:uuid`,
 * `/api/:type/:uuid/{likes,replies,shares}`, and last `/api/:type?id=`.
 * Unknown `:type` → 404 "Unknown type: X", before authentication (the
 * original authenticated first; a 404 for a path that can never exist is
 * the same for everyone, and skips a signature check).
 */
export function createApiObjectsRouter(ctx: RouterContext, auth: AuthMiddlewares): Router {
  const router = Router();
  const { engine } = ctx;
  const api = createApiHelpers(ctx);
  const uuidOf = (p: { uuid?: string }): string => p.uuid ?? "";
  // An unknown type is a 404 for everyone: checked before the (costlier) signature check.
  const knownType: RequestHandler = (req, _res, next) => {
    try {
      checkType(req.params.type);
      next();
    } catch (err) {
      next(err);
    }
  };

  for (const feed of OBJECT_FEEDS) {
    router.get(`/api/:type/${feed}`, knownType, auth.anyRead, handle(async (req, res) => {
      const type = checkType(req.params.type);
      api.sendRead(req, res, await engine.streams.objectFeed(type, { id: queryString(req.query.id) }, feed, req.query, api.viewer(req)));
    }));
  }

  router.get("/api/:type/:uuid", knownType, auth.anyRead, handle(async (req, res) => {
    const type = checkType(req.params.type);
    api.sendRead(req, res, await engine.getObject(type, uuidOf(req.params), api.viewer(req)));
  }));
  router.put("/api/:type/:uuid", knownType, auth.userWrite, handle(async (req, res) => {
    const type = checkType(req.params.type);
    res.json(await engine.updateObject(type, uuidOf(req.params), jsonBody(req), api.actor(req), api.generator(req)));
  }));
  router.delete("/api/:type/:uuid", knownType, auth.userWrite, handle(async (req, res) => {
    const type = checkType(req.params.type);
    res.json(await engine.deleteObject(type, uuidOf(req.params), api.actor(req), api.generator(req)));
  }));

  for (const feed of OBJECT_FEEDS) {
    router.get(`/api/:type/:uuid/${feed}`, knownType, auth.anyRead, handle(async (req, res) => {
      const type = checkType(req.params.type);
      api.sendRead(req, res, await engine.streams.objectFeed(type, { uuid: uuidOf(req.params) }, feed, req.query, api.viewer(req)));
    }));
  }

  router.get("/api/:type", knownType, auth.anyRead, handle(async (req, res) => {
    const type = checkType(req.params.type);
    api.sendRead(req, res, await engine.getObjectByForeignId(type, queryString(req.query.id), api.viewer(req)));
  }));

  return router;
}
