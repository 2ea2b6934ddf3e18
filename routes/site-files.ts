import { Router, type NextFunction, type Request, type Response } from "express";
import { join } from "node:path";
import type { RouterContext } from "../lib/app";
import { NotFoundError } from "../lib/errors";
import { packageRoot } from "../lib/version";

/** The bundled icon, served when config `favicon` names no file of its own. */
export const BUNDLED_FAVICON = join(packageRoot(), "public", "images", "favicon.ico");

/** Browsers ask for the icon on every page: let them keep it a day. */
const FAVICON_MAX_AGE = "1d";
/** As the other static files of public/. */
const SHARED_MAX_AGE = "1h";

/**
 * Library files the original exposed from its node_modules (routes/shared.js):
 * themes and plugins load them by these URLs.
 */
const SHARED_FILES: Record<string, string> = {
  "/shared/showdown.js": "showdown/dist/showdown.js",
  "/shared/lodash.js": "lodash/lodash.js",
  "/shared/lodash-min.js": "lodash/lodash.min.js",
};

/** The installed file of a package, or null when the package is not installed. */
function resolveShared(specifier: string): string | null {
  try {
    return require.resolve(specifier);
  } catch {
    return null;
  }
}

function sendOr404(res: Response, next: NextFunction, file: string, maxAge: string, onMissing: (err: Error) => void): void {
  res.sendFile(file, { maxAge, dotfiles: "allow" }, (err) => {
    if (!err || res.headersSent) return;
    onMissing(err);
    next(new NotFoundError(`Not found: ${res.req.path}`));
  });
}

/**
 * Site-wide files that are not under public/'s own paths: `/favicon.ico`
 * (the bundled icon, or the file config `favicon` names) and `/shared/*.js`.
 * Mounted before the session and user routes, which would otherwise take
 * `/favicon.ico` for a nickname.
 */
export function createSiteFilesRouter(ctx: RouterContext): Router {
  const router = Router();
  const favicon = ctx.config.favicon ?? BUNDLED_FAVICON;
  router.get("/favicon.ico", (_req: Request, res: Response, next: NextFunction) => {
    sendOr404(res, next, favicon, FAVICON_MAX_AGE, (err) => ctx.log.warn({ err, favicon }, "cannot serve the favicon"));
  });
  for (const [path, specifier] of Object.entries(SHARED_FILES)) {
    router.get(path, (_req: Request, res: Response, next: NextFunction) => {
      const file = resolveShared(specifier);
      if (!file) {
        ctx.log.warn({ specifier }, "shared library file is not installed");
        next(new NotFoundError(`Not found: ${path}`));
        return;
      }
      sendOr404(res, next, file, SHARED_MAX_AGE, (err) => ctx.log.warn({ err, file }, "cannot serve a shared library file"));
    });
  }
  return router;
}
