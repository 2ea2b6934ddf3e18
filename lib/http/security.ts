import helmet, { type HelmetOptions } from "helmet";
import type { RequestHandler } from "express";

export interface SecurityOptions {
  /** Canonical host (host[:port]) for the websocket connect-src. */
  host: string;
  https: boolean;
  hsts: boolean | Record<string, unknown>;
}

/**
 * Security headers (helmet). The CSP follows the original's, minus the CDN
 * hosts (every asset is served locally), minus 'unsafe-eval', and minus
 * 'unsafe-inline' for styles: our pages use only the stylesheet, so an
 * inline style that got into a page (a post laying itself over the site's
 * header, say) is not applied. Images: our own, and http(s) ones from
 * elsewhere (avatars and pictures of other servers' posts), no `data:`;
 * plain http only while the site itself is served over http.
 */
export function securityHeaders(opts: SecurityOptions): RequestHandler {
  const ws = opts.https ? "wss" : "ws";
  // HSTS only when configured (as the original); `true` means helmet's defaults.
  let hsts: HelmetOptions["strictTransportSecurity"] = false;
  if (opts.hsts === true) hsts = true;
  else if (opts.hsts && typeof opts.hsts === "object") hsts = { maxAge: 15552000, ...opts.hsts };
  return fixedHeaders(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", `${ws}://${opts.host}`],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        fontSrc: ["'self'"],
        // blob: shows a picture chosen in a form before it is sent (the object URL never leaves the page).
        imgSrc: opts.https ? ["'self'", "blob:", "https:"] : ["'self'", "blob:", "https:", "http:"],
        objectSrc: ["'none'"],
        mediaSrc: ["*"],
        childSrc: ["'self'", "www.youtube.com"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    frameguard: { action: "deny" },
    strictTransportSecurity: hsts,
    xDownloadOptions: true,
    // helmet sends "X-XSS-Protection: 0" (the original sent "1; mode=block"): the old
    // browser filter is itself exploitable, and the CSP above does the work now.
    xXssProtection: true,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: "cross-origin" },
  }));
}

type HeaderOp = [name: string, value: string | number | readonly string[] | null];

/**
 * The same headers as `middleware`, set without running it per request.
 * helmet runs a dozen small middlewares per request, each setting one
 * header whose value never depends on the request (our CSP has no nonce
 * or function directive): run them once against a recorder, then replay
 * the recorded sets and removals in their order. A middleware that does
 * not finish synchronously, reads the request or fails is used as is.
 */
export function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const ops: HeaderOp[] = [];
  let done = false;
  let usable = true;
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void ops.push([name, value]),
    removeHeader: (name: string) => void ops.push([name, null]),
    getHeader: () => {
      usable = false;
      return undefined;
    },
  };
  const noRequest = new Proxy({}, { get: () => { usable = false; return undefined; } });
  try {
    middleware(noRequest as never, recorder as never, (err?: unknown) => {
      done = err === undefined;
    });
  } catch {
    usable = false;
  }
  if (!done || !usable) return middleware;
  return (_req, res, next) => {
    for (const [name, value] of ops) {
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/** `Server: pump.io/<version> express/<v> node.js/<v>`, as the original sent. */
export function serverHeader(version: string, expressVersion: string): RequestHandler {
  const value = `pump.io/${version} express/${expressVersion} node.js/${process.version}`;
  return (_req, res, next) => {
    res.setHeader("Server", value);
    next();
  };
}

/**
 * Lets this page's forms end at `target`'s origin: a form whose POST is
 * answered by a redirect to another site (the OAuth authorize page to the
 * client's callback, the remote login to the home server) is blocked by
 * `form-action 'self'` in browsers that check redirects. Call before sending
 * the page; `target` null or not http(s): nothing changes.
 */
export function allowFormTarget(res: { getHeader(name: string): unknown; setHeader(name: string, value: string): unknown }, target: string | null | "any-http"): void {
  const csp = res.getHeader("Content-Security-Policy");
  if (typeof csp !== "string" || !target) return;
  let source: string;
  if (target === "any-http") source = "http: https:";
  else {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    source = url.origin;
  }
  res.setHeader("Content-Security-Policy", csp.replace(/form-action ([^;]*)/, (_m, v: string) => `form-action ${v} ${source}`));
}
