import http from "node:http";

export interface BounceOptions {
  /** Canonical host name of the site. */
  hostname: string;
  /** Public port of the HTTPS site (omitted from the URL when 443). */
  httpsPort: number;
}

/**
 * The HTTP -> HTTPS bounce server: every request is answered `301` to the
 * same path and query on the HTTPS site, with an empty body.
 *
 * Unlike the original, which echoed the request's Host header, the target
 * is the configured hostname and HTTPS port: a client-supplied Host cannot
 * redirect anyone elsewhere, and HTTPS on a port other than 443 works.
 */
export function createBounceServer(opts: BounceOptions, limits: http.ServerOptions = {}): http.Server {
  const origin = `https://${opts.hostname}${opts.httpsPort === 443 ? "" : `:${opts.httpsPort}`}`;
  return http.createServer(limits, (req, res) => {
    const path = (req.url ?? "/").startsWith("/") ? (req.url ?? "/") : "/";
    res.writeHead(301, { Location: origin + path, "Content-Length": "0" });
    res.end();
  });
}
