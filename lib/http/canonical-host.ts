import type { RequestHandler } from "express";
import { publicPath } from "./url-path";

export interface CanonicalHostOptions {
  redirectToCanonical: boolean;
  redirectAddressToCanonical: boolean;
  /** host[:urlPort], port omitted for 80/443 */
  canonicalHost: string;
  /** address:port, also accepted unless redirectAddressToCanonical */
  addressHost: string;
  /** Origin to redirect to (scheme://host[:port]). */
  origin: string;
  /** urlPath prefix ("" for none): the redirect keeps the path as the browser sees it. */
  prefix: string;
}

/**
 * 301 to the canonical host when the Host header names another one
 * (reference config.md: exact, case-sensitive comparison).
 */
export function canonicalHost(opts: CanonicalHostOptions): RequestHandler {
  return (req, res, next) => {
    if (!redirectsHost(opts, req.headers.host)) return next();
    res.redirect(301, opts.origin + publicPath(req, opts.prefix));
  };
}

/** Whether `canonicalHost(opts)` redirects a request with this Host header. */
export function redirectsHost(opts: CanonicalHostOptions, host: string | undefined): boolean {
  if (!opts.redirectToCanonical || !host || host === opts.canonicalHost) return false;
  return opts.redirectAddressToCanonical || host !== opts.addressHost;
}
