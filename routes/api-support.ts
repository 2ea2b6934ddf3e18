import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, HttpError, NotFoundError, UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import { viewerOfClient } from "../lib/http/raw-profile";
import { AS2_CONTENT_TYPE, prefersAS2 } from "../lib/http/as2-negotiation";
import { isTypeSegment, type Generator, type RemotePrincipal, type Viewer } from "../lib/activity";
import { authOf, clientAsObject } from "../lib/oauth";
import type { AS } from "../lib/model/as";

/** Helpers shared by the API routers (routes/api-*.ts). */
export interface ApiHelpers {
  /** Who is reading: the 3-legged user, a Dialback-registered remote principal, or anonymous. */
  viewer(req: Request): Viewer;
  /** The calling client as the `generator` of activities it makes. */
  generator(req: Request): Generator;
  /** The acting user's nickname (user-write routes only). */
  actor(req: Request): string;
  /**
   * The self check (api.md §2): the `:nickname` user must exist (404) and
   * be the principal (401 "Not authorized").
   */
  requireSelf(req: Request): Promise<string>;
  /** The self check, answering the user's stored person (engine.storedProfile) for engine.postActivity. */
  selfProfile(req: Request): Promise<AS>;
  /** Sends a read answer, as AS2 when the client negotiates it (api.md §1). */
  sendRead(req: Request, res: Response, json: AS): void;
}

/** An async route handler: thrown errors reach the error middleware. */
export function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return asyncHandler((req: Request, res: Response, _next: NextFunction) => fn(req, res));
}

/** `:type` must be one of the 30 object types or `other` (404 "Unknown type: X"). */
export function checkType(type: string | undefined): string {
  if (type === undefined || !isTypeSegment(type)) throw new NotFoundError(`Unknown type: ${type ?? ""}`);
  return type;
}

/**
 * The parsed body of an API write. Only JSON (or a form, which the OAuth
 * signature may cover) is parsed; anything else would reach us as an empty
 * object and could pass for a harmless update, so it is refused.
 */
export function jsonBody(req: Request): unknown {
  if (req.is(["application/json", "application/*+json", "application/x-www-form-urlencoded"])) return req.body;
  if (req.is("*/*") === null) throw new BadRequestError("No request body: send JSON (Content-Type: application/json)");
  throw new HttpError(415, "Unsupported request body: send JSON (Content-Type: application/json)");
}

/**
 * The remote person or host a 2-legged request speaks for: only clients
 * bound by Dialback have one (401 "Authentication required" otherwise).
 */
export function remotePrincipal(req: Request): RemotePrincipal {
  const client = authOf(req).client;
  if (client?.webfinger) return { id: `acct:${client.webfinger}`, kind: "webfinger" };
  if (client?.host) return { id: `http://${client.host}/`, kind: "host" };
  throw new UnauthorizedError("Authentication required");
}

/** A string query value (the last one when repeated), else "". */
export function queryString(v: unknown): string {
  if (Array.isArray(v)) return queryString(v[v.length - 1]);
  return typeof v === "string" ? v : "";
}

export function createApiHelpers(ctx: RouterContext): ApiHelpers {
  const { engine } = ctx;
  const selfProfile = async (req: Request): Promise<AS> => {
    const nickname = req.params.nickname ?? "";
    const profile = await engine.storedProfile(nickname);
    if (!profile) throw new NotFoundError(`No such 'user' with id '${nickname}'`);
    if (authOf(req).nickname !== nickname) throw new UnauthorizedError("Not authorized");
    return profile;
  };
  return {
    viewer(req) {
      const auth = authOf(req);
      if (auth.nickname) return { nickname: auth.nickname, personId: engine.personId(auth.nickname) };
      // 2-legged: a Dialback-registered client reads as its remote person or service.
      return viewerOfClient(auth.client);
    },
    generator(req) {
      const client = authOf(req).client;
      return client ? (clientAsObject(client) as unknown as AS) : null;
    },
    actor(req) {
      const nickname = authOf(req).nickname;
      if (!nickname) throw new UnauthorizedError("Not authorized");
      return nickname;
    },
    async requireSelf(req) {
      await selfProfile(req);
      return req.params.nickname ?? "";
    },
    selfProfile,
    sendRead(req, res, json) {
      res.vary("Accept");
      if (prefersAS2(req.get("accept"))) {
        // A Buffer, so Express does not append "; charset=utf-8" to the exact type.
        res.set("Content-Type", AS2_CONTENT_TYPE).send(Buffer.from(JSON.stringify(engine.asAS2(json))));
      } else {
        res.json(json);
      }
    },
  };
}
