import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import type { Bank } from "../databank";
import { HttpError } from "../errors";
import type { UrlMaker } from "../url-maker";
import { resolveResource } from "../federation/discovery";

/**
 * A handler of the fast lane that answers without Express: it returns false
 * (synchronously, before touching anything) for a request it does not take;
 * having taken one it answers it, or calls `fallback` (the Express lane)
 * before anything was set on the response.
 */
export type RawHandler = (req: IncomingMessage, res: ServerResponse, fallback: () => void) => boolean;

export interface RawWebfingerOptions {
  bank: Bank;
  urls: UrlMaker;
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

const PATH = "/.well-known/webfinger";
/** Users whose documents are kept (all are dropped when full). */
const MAX_DOCUMENTS = 1000;
/** compression's default threshold: smaller bodies are sent as they are. */
const COMPRESS_THRESHOLD = 1024;

interface JsonDocument {
  body: Buffer;
  etag: string | undefined;
}

/** What `res.json` sends for `value`: the JSON bytes and Express' ETag of them. */
function jsonDocument(opts: RawWebfingerOptions, value: unknown): JsonDocument {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  return { body, etag: opts.etag(body) };
}

/** One `resource` parameter and nothing else; other queries (repeated, bracketed, encoded keys) take the Express lane. */
const ONE_RESOURCE = /^resource=([^&#[\]]*)$/;
/** Where the WebFinger route is mounted (the metrics label it, as Express' `req.route`). */
const ROUTE = { path: PATH };

/**
 * `GET /.well-known/webfinger` without Express: the same bytes as the route
 * in routes/webfinger.ts behind the app's front (the same middleware
 * instances run, in order), for the common request — one plain `resource`
 * parameter, no conditional headers, a Host the canonical-host check lets
 * through. Errors the route answers with a 4xx are answered the same way
 * (the error handler's JSON); anything else (a failing database) goes to
 * the Express lane, which answers it as before.
 */
export function rawWebfinger(opts: RawWebfingerOptions): RawHandler {
  const documents = new Map<string, JsonDocument>();
  return (req, res, fallback) => {
    const url = req.url ?? "";
    let resource: string | undefined;
    // Only the path itself: a lane path of the same length (`/api/user/erin/profile`) is not WebFinger.
    if (url === PATH) resource = undefined;
    else {
      const m = url.startsWith(PATH) && url[PATH.length] === "?" ? ONE_RESOURCE.exec(url.slice(PATH.length + 1)) : null;
      if (!m) return false;
      resource = decodeQueryValue(m[1]!);
      if (resource === undefined) return false;
    }
    const h = req.headers;
    // Express answers these with a freshness check (304); keep that to the lane.
    if (h["if-none-match"] !== undefined || h["if-modified-since"] !== undefined) return false;
    if (opts.redirects(h.host)) return false;
    resolveResource(opts.bank, opts.urls, resource).then(
      ({ links, nickname }) => {
        // A user's document depends on the nickname only: its bytes and ETag are made once.
        let doc = nickname === undefined ? undefined : documents.get(nickname);
        if (!doc) {
          doc = jsonDocument(opts, { links });
          if (nickname !== undefined) {
            if (documents.size >= MAX_DOCUMENTS) documents.clear();
            documents.set(nickname, doc);
          }
        }
        answer(opts, req, res, 200, doc);
      },
      (err: unknown) => {
        if (err instanceof HttpError && err.status < 500 && Object.keys(err.headers).length === 0) answer(opts, req, res, err.status, jsonDocument(opts, { error: err.message }), err.message);
        else fallback();
      },
    ).catch((err: unknown) => {
      // A throw while answering (none is expected): the lane answers if nothing was sent yet.
      if (res.headersSent) res.destroy(err instanceof Error ? err : undefined);
      else fallback();
    });
    return true;
  };
}

/** qs' decoding of a query value (`+` is a space); undefined for what it would decode otherwise (malformed escapes). */
function decodeQueryValue(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/**
 * The front, the route's CORS header, then what `res.json` sends
 * (Content-Type, Content-Length, ETag). compression only adds
 * `Vary: Accept-Encoding` (when the headers are written, so last) to a
 * JSON body under its threshold: then it need not wrap the response.
 */
function answer(opts: RawWebfingerOptions, req: IncomingMessage, res: ServerResponse, status: number, doc: JsonDocument, refusal?: string): void {
  const r = req as unknown as Request & { route: unknown };
  r.originalUrl = req.url ?? "";
  r.baseUrl = "";
  r.route = ROUTE;
  const asExpress = res as unknown as Response;
  const { body, etag } = doc;
  const wrap = opts.compression !== undefined && body.length >= COMPRESS_THRESHOLD;
  const handlers = [...(opts.timing ? [opts.timing] : []), ...opts.front, ...(wrap ? [opts.compression!] : [])];
  for (const handler of handlers) {
    let next = false;
    handler(r, asExpress, () => void (next = true));
    // A front middleware answered itself (none does for the requests taken here): nothing more to send.
    if (!next) return;
  }
  // What the error handler logs for a refusal.
  if (refusal !== undefined) r.log.debug({ status, msg: refusal }, "request refused");
  res.statusCode = status;
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", body.length);
  if (etag) res.setHeader("ETag", etag);
  if (opts.compression !== undefined && !wrap) res.setHeader("Vary", "Accept-Encoding");
  res.end(body);
}
