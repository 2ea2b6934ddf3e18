import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { ANONYMOUS, type Viewer } from "../activity";
import type { AS } from "../model/as";
import type { ClientRecord } from "../oauth/clients";
import { clientAsObject } from "../oauth/client-object";
import { parseAuthorizationHeader, type OAuthRequest } from "../oauth/request-params";
import { verifyClientRequest, type VerifyDeps } from "../oauth/verify";
import { prefersAS2 } from "./as2-negotiation";
import { jsonDocument, markArrival, sendJson, type RawFront, type RawHandler } from "./raw-answer";

export interface RawProfileOptions extends RawFront {
  /** What the OAuth check needs (the same as the auth middlewares'). */
  verify: VerifyDeps;
  /** The profile as the API shows it to `viewer` (the engine's getProfile). */
  profile: (nickname: string, viewer: Viewer) => Promise<AS>;
  /**
   * Answers `err` as the Express lane would, on a request whose front has not
   * run yet (`createRefuser`): after the nonce is stored, the lane itself
   * cannot take the request again.
   */
  refuse: (err: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** The route the Express lane answers these requests with (the metrics label it so). */
const ROUTE = { path: "/api/user/:nickname/profile" };
/** A plain nickname (as the fast lane takes them), no query: nothing in the URL takes part in OAuth but the path. */
const PROFILE_PATH = /^\/api\/user\/([A-Za-z0-9._-]{1,64})\/profile$/;

/** Who a 2-legged request reads as: a Dialback-registered client as its remote person or service, else anonymous. */
export function viewerOfClient(client: ClientRecord | null): Viewer {
  if (client && (client.webfinger || client.host)) return { nickname: null, personId: clientAsObject(client).id };
  return ANONYMOUS;
}

/**
 * `GET /api/user/:nickname/profile`, 2-legged, without Express: the bytes
 * of the route in routes/api-user.ts behind the app's front, for the
 * common request: OAuth in the Authorization header only (no query, no
 * body, no token), no conditional headers, not asking for AS2, no
 * X-Forwarded-Proto, a Host the canonical-host check lets through. Anything
 * else takes the Express lane. The checks are the auth middleware's own
 * (verifyClientRequest: signature, timestamp, nonce stored once across
 * workers); its refusals and the route's errors are answered by the same
 * error handlers (`refuse`).
 */
export function rawProfile(opts: RawProfileOptions): RawHandler {
  return (req, res) => {
    const nickname = rawProfileTakes(req);
    if (nickname === null || opts.redirects(req.headers.host)) return false;
    markArrival(req);
    const signed: OAuthRequest = { method: "GET", headers: req.headers, originalUrl: req.url!, secure: Boolean((req.socket as TLSSocket | undefined)?.encrypted) };
    verifyClientRequest(opts.verify, signed)
      .then(({ client }) => opts.profile(nickname, viewerOfClient(client)))
      .then(
        (profile) => sendJson(opts, req, res, ROUTE, 200, jsonDocument(opts, profile), { vary: "Accept" }),
        (err: unknown) => opts.refuse(err, req, res),
      )
      .catch((err: unknown) => {
        // A throw while answering (none is expected).
        if (res.headersSent) res.destroy(err instanceof Error ? err : undefined);
        else opts.refuse(err, req, res);
      });
    return true;
  };
}

/**
 * The nickname of a profile read `rawProfile` takes (besides the Host
 * check), else null. The fast lane has checked the method (GET), that
 * there is no body and no cookie.
 */
export function rawProfileTakes(req: Pick<IncomingMessage, "url" | "headers">): string | null {
  const m = PROFILE_PATH.exec(req.url ?? "");
  if (!m) return null;
  const h = req.headers;
  if (h["if-none-match"] !== undefined || h["if-modified-since"] !== undefined) return null;
  if (h["x-forwarded-proto"] !== undefined || prefersAS2(h.accept)) return null;
  return isTwoLeggedHeader(h.authorization) ? m[1]! : null;
}

/**
 * What the auth middleware (anyRead) would take as a 2-legged request
 * when nothing else carries OAuth parameters: an `OAuth` header (the test
 * of hasOAuthCredentials) that parses, without `oauth_token`.
 */
function isTwoLeggedHeader(header: string | undefined): boolean {
  if (typeof header !== "string" || !/^OAuth\s/i.test(header.trim() + " ")) return false;
  try {
    return !parseAuthorizationHeader(header).some(([k]) => k === "oauth_token");
  } catch {
    return false; // malformed: the lane answers its 400
  }
}

export interface RefuserOptions {
  /** The app's `trust proxy` setting. */
  trustProxy: unknown;
  timing?: RequestHandler;
  /** The app's whole front, in order (compression included). */
  front: RequestHandler[];
  /** The error middlewares the Express lane's route reaches, in order. */
  responders: ErrorRequestHandler[];
}

/**
 * A small Express app that answers a raw handler's error as the Express
 * lane would have: the front, then the error reaches the same error
 * middlewares from the same route.
 */
export function createRefuser(opts: RefuserOptions, route = ROUTE): RawProfileOptions["refuse"] {
  const app: Express = express();
  app.disable("x-powered-by");
  app.set("trust proxy", opts.trustProxy);
  if (opts.timing) app.use(opts.timing);
  for (const handler of opts.front) app.use(handler);
  app.use((req, _res, next) => {
    (req as unknown as { route: unknown }).route = route;
    next((req as unknown as { [REFUSAL]: unknown })[REFUSAL]);
  });
  for (const responder of opts.responders) app.use(responder);
  type Handle = (req: IncomingMessage, res: ServerResponse) => void;
  const handle = (app as unknown as { handle: Handle }).handle.bind(app);
  return (err, req, res) => {
    (req as unknown as { [REFUSAL]: unknown })[REFUSAL] = err;
    handle(req, res);
  };
}

const REFUSAL = Symbol("refusal");
