import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express } from "express";
import type { RawHandler } from "./raw-webfinger";

/** `GET /api/user/:nickname[/profile]` for a plain nickname (anything else takes the full stack). */
const USER_PATH = /^\/api\/user\/[A-Za-z0-9._-]{1,64}(\/profile)?$/;
const WEBFINGER_PATH = "/.well-known/webfinger";

/**
 * Whether a request may take the fast lane: a GET of a user, a profile or
 * WebFinger, with no body and no cookie. For such a request nothing between
 * the front middlewares and its router acts in the full app: the body
 * parsers see no body, static files have no `api` or `.well-known` entry,
 * the session router skips cookieless /api and /.well-known requests, and
 * no earlier router matches these paths. So the lane (the same middleware
 * and router instances, minus everything else) answers the same bytes.
 */
export function fastLaneAccepts(req: IncomingMessage): boolean {
  if (req.method !== "GET") return false;
  const h = req.headers;
  if (h["content-length"] !== undefined || h["transfer-encoding"] !== undefined || h.cookie !== undefined) return false;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return path === WEBFINGER_PATH || USER_PATH.test(path);
}

/**
 * Lets `lane` answer the requests `fastLaneAccepts` takes, before `app`'s
 * whole middleware stack (some forty layers, each matched per request)
 * runs; `app` answers every other request. The server and the tests keep
 * calling `app` as before. `raw` handlers come first: each answers the
 * requests it takes without Express (lib/http/raw-webfinger.ts).
 */
export function withFastLane(app: Express, lane: Express, raw: RawHandler[] = []): void {
  type Handle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;
  const full = (app as unknown as { handle: Handle }).handle.bind(app);
  const fast = (lane as unknown as { handle: Handle }).handle.bind(lane);
  (app as unknown as { handle: Handle }).handle = (req, res, next) => {
    // The lane itself only for the server's own requests (not when mounted inside another app).
    if (next === undefined && fastLaneAccepts(req)) {
      const fallback = () => fast(req, res);
      for (const handler of raw) if (handler(req, res, fallback)) return;
      fast(req, res);
    }
    else full(req, res, next);
  };
}
