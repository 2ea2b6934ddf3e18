import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import type { Logger } from "../log";
import { arrivalOf } from "./raw-answer";

declare module "express-serve-static-core" {
  interface Request {
    /** Per-request id, echoed in X-Request-Id and in every log line of the request. */
    id: string;
    /** Child logger carrying the request id. */
    log: Logger;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Query parameters whose values are secrets (OAuth signatures and tokens). */
const SECRET_PARAMS = /^(oauth_signature|oauth_token|oauth_verifier|oauth_token_secret|access_token|code|password|token|secret)$/i;

/** The request path with secret query values replaced, safe to log. */
export function loggableUrl(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, "[Redacted]");
  return `${url.slice(0, q)}?${params.toString()}`;
}

/**
 * Gives each request an id and a child logger, and logs one line when the
 * answer is finished (method, url without secrets, status, time).
 */
export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers["x-request-id"];
    req.id = typeof incoming === "string" && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", req.id);
    // A silent logger (nologger) writes nothing, whatever the child: no child, no line to build.
    // The level is read per request, as pumpctl may change it.
    if (log.level === "silent") {
      req.log = log;
      return next();
    }
    req.log = log.child({ reqId: req.id });
    // From the arrival: the fast lane's raw handlers run this once their answer is known.
    const started = arrivalOf(req);
    res.on("finish", () => {
      if (!req.log.isLevelEnabled("info")) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        { method: req.method, url: loggableUrl(req), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        "request",
      );
    });
    next();
  };
}
