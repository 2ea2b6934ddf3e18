import type { Request, Response } from "express";
import { safeReturnPath } from "./pages";

/** True when the caller (the client script) wants a JSON answer rather than a redirect. */
export function wantsJsonAnswer(req: Request): boolean {
  return req.accepts(["html", "json"]) === "json";
}

/**
 * How every form endpoint answers: JSON (`result`) for `Accept:
 * application/json`, else a 303 redirect to the form's `returnTo` (one of
 * our paths) or `fallback`.
 */
export function formDone(req: Request, res: Response, result: unknown, fallback: string): void {
  if (wantsJsonAnswer(req)) {
    res.json(result);
    return;
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  res.redirect(303, safeReturnPath(body.returnTo, fallback));
}
