import { Router } from "express";
import type { RouterContext } from "../lib/app";
import type { AuthMiddlewares } from "../lib/oauth";
import { authOf } from "../lib/oauth";
import { asyncHandler } from "../lib/http/async-handler";
import { ProxyFetchError, RELAYED } from "../lib/federation/proxy";

/** GET /api/proxy/:id: a local user reads a remote URL through this server (federation.md §7). */
export function createProxyRouter(ctx: Pick<RouterContext, "federation">, auth: AuthMiddlewares): Router {
  const router = Router();
  router.get(
    "/api/proxy/:id",
    auth.userRead,
    asyncHandler(async (req, res) => {
      const { nickname } = authOf(req);
      const remote = await ctx.federation.proxies.fetch(req.params.id, nickname!, req.headers);
      if (remote.status !== 304 && (remote.status < 200 || remote.status >= 300)) throw new ProxyFetchError(`remote answered ${remote.status}`);
      for (const h of RELAYED) {
        const v = remote.headers[h];
        if (typeof v === "string") res.set(h, v);
      }
      res.status(remote.status).send(remote.status === 304 ? undefined : remote.body);
    }),
  );
  return router;
}
