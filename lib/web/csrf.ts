import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { ForbiddenError } from "../errors";

/** Header a script may send the token in (forms use the `_csrf` field). */
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session's CSRF token, made (and stored in the session) on first need. */
export function csrfToken(req: Request): string {
  if (!req.session) throw new Error("csrfToken needs the session middleware");
  req.session.csrfToken ??= randomBytes(24).toString("base64url");
  return req.session.csrfToken;
}

/** The token the request presents: `_csrf` form/JSON field, else the X-CSRF-Token header. */
export function presentedToken(req: Request): string | null {
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === "object" ? body[CSRF_FIELD] : undefined;
  if (typeof field === "string" && field !== "") return field;
  const header = req.get(CSRF_HEADER);
  return header ? header : null;
}

/** True when the request carries the session's own token. */
export function hasValidCsrfToken(req: Request): boolean {
  const expected = req.session?.csrfToken;
  const given = presentedToken(req);
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses (403) any state-changing request without the session's token. */
export function csrfProtection(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || hasValidCsrfToken(req)) {
      next();
      return;
    }
    next(new ForbiddenError("This form has expired or did not come from this site. Reload the page and try again."));
  };
}
