import type { RequestHandler } from "express";

export interface CanonicalHostOptions {
  redirectToCanonical: boolean;
  redirectAddressToCanonical: boolean;
  /** host[:urlPort], port omitted for 80/443 */
  canonicalHost: string;
  /** address:port, also accepted unless redirectAddressToCanonical */
  addressHost: string;
  /** Absolute base URL to redirect to (scheme://host[:port][urlPath]). */
  base: string;
}

/**
 * 301 to the canonical host when the Host header names another one
 * (reference config.md: exact, case-sensitive comparison).
 */
export function canonicalHost(opts: CanonicalHostOptions): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host;
    if (!opts.redirectToCanonical || !host || host === opts.canonicalHost) return next();
    if (!opts.redirectAddressToCanonical && host === opts.addressHost) return next();
    res.redirect(301, opts.base + req.originalUrl);
  };
}
