import express, { Router, type Request } from "express";
import type { RouterContext } from "../lib/app";
import { DialbackRefusal } from "../lib/federation/dialback-verify";
import { formBodyParser } from "../lib/oauth/body";
import { registerClient, type DialbackIdentity } from "../lib/oauth/client-registration";

/**
 * Checks an inbound `Authorization: Dialback …` header (oauth.md §7) and
 * returns the identity it proves; throws an HttpError (401) when it fails.
 */
export type DialbackVerifier = (req: Request) => Promise<DialbackIdentity>;

export interface ClientRegisterDeps {
  /** The federation's check (lib/federation/dialback-verify.ts); without it any Authorization header is refused. */
  dialback?: DialbackVerifier;
}

export { DialbackRefusal };

/** POST /api/client/register: dynamic client registration (oauth.md §1). */
export function createClientRegisterRouter(ctx: RouterContext, deps: ClientRegisterDeps = {}): Router {
  const router = Router();
  router.post("/api/client/register", express.json({ limit: "100kb" }), formBodyParser(), async (req, res, next) => {
    try {
      let identity: DialbackIdentity | null = null;
      if (req.headers.authorization !== undefined) {
        if (!deps.dialback) throw new DialbackRefusal("Dialback authentication is not supported here");
        identity = await deps.dialback(req);
      }
      const body = req.body && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
      res.json(await registerClient(ctx.bank, body, identity));
    } catch (err) {
      if (err instanceof DialbackRefusal) res.status(401).set(err.headers).type("text/plain").send(err.message);
      else next(err);
    }
  });
  return router;
}
