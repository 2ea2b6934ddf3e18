import { Router } from "express";
import type { RouterContext } from "../lib/app";
import { asyncHandler } from "../lib/http/async-handler";
import { formBodyParser } from "../lib/oauth/body";
import { confirmDialback } from "../lib/federation/dialback";

/** POST /api/dialback: other servers check that a Dialback request really came from us (oauth.md §7). */
export function createDialbackRouter(ctx: Pick<RouterContext, "bank" | "urls">): Router {
  const router = Router();
  router.post(
    "/api/dialback",
    formBodyParser(),
    asyncHandler(async (req, res) => {
      const body = req.body && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
      await confirmDialback(ctx.bank, ctx.urls, body);
      res.type("text/plain").send("OK");
    }),
  );
  return router;
}
