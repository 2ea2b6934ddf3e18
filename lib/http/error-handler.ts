import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { HttpError, NotFoundError, statusOf } from "../errors";
import type { Logger } from "../log";
import { lingerOverUnreadBody } from "./linger";
import type { PageRenderer } from "./render";

/** Requests answered with JSON errors: the API, discovery, XHR, and clients that do not accept HTML. */
export function wantsJson(req: Request): boolean {
  // The path inside the site: without urlPath (lib/http/url-path.ts), as routed.
  const path = req.path;
  if (path === "/api" || path.startsWith("/api/") || path.startsWith("/.well-known/")) return true;
  if (req.xhr) return true;
  return !req.accepts("html");
}

/** A client-safe message for errors thrown by Express' own body parsers and the like. */
function publicMessage(err: unknown, status: number): string {
  if (err instanceof HttpError) return err.message;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === "entity.parse.failed") return "Invalid JSON in request body";
  if (type === "entity.too.large") return "Request body too large";
  if (type === "encoding.unsupported" || type === "charset.unsupported") return "Unsupported request body encoding";
  if (type === "request.aborted") return "Request aborted";
  if (status < 500 && (err as { expose?: unknown } | null)?.expose && err instanceof Error) return err.message;
  return status >= 500 ? "Internal server error" : "Bad request";
}

/**
 * The one place errors become answers: JSON `{"error": ...}` under /api,
 * an HTML page elsewhere. 5xx are logged with their cause; 4xx are not
 * errors of ours and are logged at debug only.
 */
export function errorHandler(log: Logger, pages: PageRenderer): ErrorRequestHandler {
  return (err, req, res, next) => {
    const status = statusOf(err);
    const reqLog = (req as Request & { log?: Logger }).log ?? log;
    if (status >= 500) reqLog.error({ err }, "request failed");
    else reqLog.debug({ status, msg: (err as Error)?.message }, "request refused");

    if (res.headersSent) {
      // Too late for a clean answer; let Express close the connection.
      next(err);
      return;
    }
    const message = publicMessage(err, status);
    if (err instanceof HttpError) res.set(err.headers);
    lingerOverUnreadBody(req, res);
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: message });
    } else {
      res.type("html").send(pages.errorPage(status, message));
    }
  };
}

/** JSON 404 for any unmatched /api path. */
export function apiNotFound(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No such API endpoint: ${req.method} ${req.originalUrl.split("?")[0]}`));
}

/** 404 for anything else nobody answered. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new NotFoundError("Page not found"));
}
