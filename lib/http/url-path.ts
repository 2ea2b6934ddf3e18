import type { Request, RequestHandler } from "express";

/**
 * Serving below a path (`urlPath`, e.g. https://example.com/pumpio/).
 * Every URL the server hands out carries the prefix (lib/url-maker.ts).
 * Requests may arrive either way: with the prefix, from a proxy that passes
 * the path through (`location /pumpio/ { proxy_pass http://127.0.0.1:31337; }`),
 * or without it, from a proxy that strips it, which is what the original
 * expected. Both are served; the path as the browser sees it always has it.
 */

/** True when `url` (a path, maybe with a query) lies below `prefix` ("/pumpio"). */
export function underPrefix(url: string, prefix: string): boolean {
  if (!prefix || !url.startsWith(prefix)) return false;
  const next = url.charAt(prefix.length);
  return next === "" || next === "/" || next === "?";
}

/**
 * Routes a request that carries the prefix as if it did not: `req.url`
 * loses it, `req.originalUrl` keeps what was sent. Mount it first.
 */
export function stripUrlPath(prefix: string): RequestHandler {
  return (req, _res, next) => {
    if (underPrefix(req.url, prefix)) {
      const rest = req.url.slice(prefix.length);
      req.url = rest.startsWith("/") ? rest : `/${rest}`;
    }
    next();
  };
}

/** The request's path and query as the browser sees them: with the prefix. */
export function publicPath(req: Request, prefix: string): string {
  const sent = req.originalUrl;
  return !prefix || underPrefix(sent, prefix) ? sent : `${prefix}${sent}`;
}
