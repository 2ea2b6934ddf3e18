import type { IncomingMessage, ServerResponse } from "node:http";
import type { Bank } from "../databank";
import { HttpError } from "../errors";
import type { UrlMaker } from "../url-maker";
import { resolveResource } from "../federation/discovery";
import { jsonDocument, markArrival, sendJson, type JsonDocument, type RawFront, type RawHandler } from "./raw-answer";

export type { RawHandler } from "./raw-answer";

export interface RawWebfingerOptions extends RawFront {
  bank: Bank;
  urls: UrlMaker;
}

const PATH = "/.well-known/webfinger";
/** Users whose documents are kept (all are dropped when full). */
const MAX_DOCUMENTS = 1000;
/** One `resource` parameter and nothing else; other queries (repeated, bracketed, encoded keys) take the Express lane. */
const ONE_RESOURCE = /^resource=([^&#[\]]*)$/;
/** Where the WebFinger route is mounted (the metrics label it, as Express' `req.route`). */
const ROUTE = { path: PATH };
const CORS: Array<[string, string]> = [["Access-Control-Allow-Origin", "*"]];

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
    markArrival(req);
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

/** The route's CORS header, then what `res.json` sends, behind the front (lib/http/raw-answer.ts). */
function answer(opts: RawWebfingerOptions, req: IncomingMessage, res: ServerResponse, status: number, doc: JsonDocument, refusal?: string): void {
  sendJson(opts, req, res, ROUTE, status, doc, { before: CORS, refusal });
}
