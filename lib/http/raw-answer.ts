import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";

/**
 * A handler of the fast lane that answers without Express: it returns false
 * (synchronously, before touching anything) for a request it does not take;
 * having taken one it answers it, or calls `fallback` (the Express lane)
 * before anything was set on the response.
 */
export type RawHandler = (req: IncomingMessage, res: ServerResponse, fallback: () => void) => boolean;

/** The app's front as the raw handlers run it: the same middleware instances, in the same order. */
export interface RawFront {
  /** The request-timing middleware (metrics), if any: the same instance as the app's. */
  timing?: RequestHandler;
  /** The app's front middlewares, in order (request id and log, headers, canonical host), without compression. */
  front: RequestHandler[];
  /** The front's compression middleware, when on. */
  compression?: RequestHandler;
  /** Whether the canonical-host middleware would redirect a request with this Host header. */
  redirects: (host: string | undefined) => boolean;
  /** Express's ETag function (`app.get("etag fn")`), so the tags are the same. */
  etag: (body: Buffer, encoding?: string) => string | undefined;
}

/** compression's default threshold: smaller bodies are sent as they are. */
export const COMPRESS_THRESHOLD = 1024;

const ARRIVED = Symbol("arrived");

/**
 * Notes when a raw handler took a request: it runs the front (timing, the
 * request log) only once its answer is known, and they count from here.
 */
export function markArrival(req: IncomingMessage): void {
  (req as unknown as { [ARRIVED]?: bigint })[ARRIVED] = process.hrtime.bigint();
}

/** When the request arrived (`markArrival`), else now. */
export function arrivalOf(req: IncomingMessage): bigint {
  return (req as unknown as { [ARRIVED]?: bigint })[ARRIVED] ?? process.hrtime.bigint();
}

/**
 * Runs the front on a plain request, as Express would before the route:
 * `route` is what the metrics label it by (Express' `req.route`). Compression
 * runs only when `compress` (a body over its threshold): under it,
 * compression would only add `Vary: Accept-Encoding`, which `sendJson` does.
 * False when a front middleware answered itself (none does for the requests
 * the raw handlers take).
 */
export function runFront(opts: RawFront, req: IncomingMessage, res: ServerResponse, route: { path: string }, compress: boolean): boolean {
  const r = req as unknown as Request & { route: unknown };
  r.originalUrl = req.url ?? "";
  r.baseUrl = "";
  r.route = route;
  const asExpress = res as unknown as Response;
  const run = (handler: RequestHandler): boolean => {
    let next = false;
    handler(r, asExpress, () => void (next = true));
    return next;
  };
  if (opts.timing && !run(opts.timing)) return false;
  for (const handler of opts.front) if (!run(handler)) return false;
  return !(compress && opts.compression && !run(opts.compression));
}

/** A JSON answer as `res.json` makes it: the bytes and Express' ETag of them. */
export interface JsonDocument {
  body: Buffer;
  etag: string | undefined;
}

export function jsonDocument(opts: RawFront, value: unknown): JsonDocument {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  return { body, etag: opts.etag(body) };
}

/**
 * The front, then the route's headers (`before`, e.g. CORS), then what
 * `res.json` sends (Content-Type, Content-Length, ETag). `vary` is what the
 * route put in Vary before sending (e.g. "Accept"); compression adds
 * `Accept-Encoding` to it when the headers are written.
 */
export function sendJson(
  opts: RawFront,
  req: IncomingMessage,
  res: ServerResponse,
  route: { path: string },
  status: number,
  doc: JsonDocument,
  headers: { before?: Array<[string, string]>; vary?: string; refusal?: string } = {},
): void {
  const { body, etag } = doc;
  const wrap = opts.compression !== undefined && body.length >= COMPRESS_THRESHOLD;
  if (!runFront(opts, req, res, route, wrap)) return;
  // What the error handler logs for a refusal.
  if (headers.refusal !== undefined) (req as unknown as Request).log.debug({ status, msg: headers.refusal }, "request refused");
  res.statusCode = status;
  for (const [name, value] of headers.before ?? []) res.setHeader(name, value);
  // Under the threshold compression would append Accept-Encoding to Vary (it is wrapped otherwise).
  const compressVary = opts.compression !== undefined && !wrap;
  if (headers.vary !== undefined) res.setHeader("Vary", compressVary ? `${headers.vary}, Accept-Encoding` : headers.vary);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", body.length);
  if (etag) res.setHeader("ETag", etag);
  if (compressVary && headers.vary === undefined) res.setHeader("Vary", "Accept-Encoding");
  res.end(body);
}
