import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import { hostMetaLinks, resourceLinks, xrd, type JrdLink } from "../lib/federation/discovery";

/**
 * JRD as `application/json`: existing pump.io servers' WebFinger client
 * refuses `application/jrd+json`, so the original's type is the one that
 * federates.
 */
function sendJrd(res: Response, links: JrdLink[]): void {
  res.json({ links });
}

/** XRD as exactly `application/xrd+xml`: a Buffer, so Express adds no charset parameter. */
function sendXrd(res: Response, links: JrdLink[], subject?: string): void {
  res.set("Content-Type", "application/xrd+xml").send(Buffer.from(xrd(links, subject), "utf8"));
}

/** JSON when the client's Accept allows application/json, else XRD (the original's rule). */
function sendLinks(req: Request, res: Response, links: JrdLink[], subject?: string): void {
  res.vary("Accept");
  const wantsJson = req.headers.accept !== undefined && req.accepts(["application/xrd+xml", "application/json"]) === "application/json";
  if (wantsJson) sendJrd(res, links);
  else sendXrd(res, links, subject);
}

/** Discovery: host-meta (XRD and JSON), webfinger, lrdd (api.md §12). */
export function createWebfingerRouter(ctx: RouterContext): Router {
  const router = Router();
  // Discovery documents are public and read cross-origin by other servers' clients.
  router.use(["/.well-known", "/api/lrdd"], (_req, res, next) => {
    res.set("Access-Control-Allow-Origin", "*");
    next();
  });
  router.get("/.well-known/host-meta", (req, res) => sendLinks(req, res, hostMetaLinks(ctx.urls)));
  router.get("/.well-known/host-meta.json", (_req, res) => sendJrd(res, hostMetaLinks(ctx.urls)));
  router.get(
    "/.well-known/webfinger",
    asyncHandler(async (req, res) => {
      const links = await resourceLinks(ctx.bank, ctx.urls, req.query.resource);
      sendJrd(res, links);
    }),
  );
  router.get(
    "/api/lrdd",
    asyncHandler(async (req, res) => {
      const resource = req.query.resource;
      const links = await resourceLinks(ctx.bank, ctx.urls, resource);
      sendLinks(req, res, links, typeof resource === "string" ? resource : undefined);
    }),
  );
  return router;
}
