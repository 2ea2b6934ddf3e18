import { Router, type Request, type RequestHandler, type Response } from "express";
import { basename } from "node:path";
import type { RouterContext } from "../lib/app";
import { ANONYMOUS, type Viewer } from "../lib/activity";
import { BadRequestError, ForbiddenError, NotFoundError } from "../lib/errors";
import type { AuthMiddlewares } from "../lib/oauth";
import { hasOAuthCredentials } from "../lib/oauth/request-params";
import type { WebAuth } from "../lib/web/auth";
import {
  GENERIC_TYPE,
  createUploads,
  grantDownload,
  isJsonUpload,
  listUploads,
  receiveJson,
  receiveRaw,
  withTempDir,
  type Uploads,
} from "../lib/uploads";
import type { AS } from "../lib/model/as";
import { createApiHelpers, handle } from "./api-support";
import { createWebUploadsRouter } from "./web-uploads";

/** How long browsers (and, for public posts, shared caches) may keep a file before asking again. */
const MAX_AGE = 3600;

/**
 * Uploads (api.md §10, webui.md §5), only with `enableUploads`:
 * `POST /api/user/:nickname/uploads` (raw body with its type, or JSON
 * `{mimeType, data}`), `GET` of the same (the owner's list), the web
 * forms `/main/upload` and `/main/upload-avatar`, and `GET /uploads/<path>`
 * with the original's access rule. Mounted before the web UI router.
 */
export function createUploadsRouter(ctx: RouterContext, deps: { auth: AuthMiddlewares; web: WebAuth }): Router {
  const router = Router();
  const uploads = createUploads(ctx.config, ctx.engine.ctx);
  if (!uploads) return router;
  const { engine } = ctx;
  const api = createApiHelpers(ctx);

  router.post("/api/user/:nickname/uploads", deps.auth.userWrite, handle(async (req, res) => {
    const nickname = await api.requireSelf(req);
    const stored = await withTempDir(uploads.tempRoot, async (dir) => {
      const file = isJsonUpload(req) ? await receiveJson(req, dir, uploads.limit) : await receiveRaw(req, dir, uploads.limit);
      return uploads.store.save(nickname, file);
    });
    res.json(await presented(ctx, stored, api.viewer(req)));
  }));

  router.get("/api/user/:nickname/uploads", deps.auth.userRead, handle(async (req, res) => {
    const nickname = await api.requireSelf(req);
    api.sendRead(req, res, await listUploads(engine.ctx, nickname, req.query));
  }));

  if (!ctx.config.noweb) router.use(createWebUploadsRouter(ctx, { web: deps.web, uploads }));

  // OAuth when the request is signed, else the web session, else anonymous (public posts).
  const optionalAuth: RequestHandler = (req, res, next) => (hasOAuthCredentials(req) ? deps.auth.anyRead(req, res, next) : next());
  router.get(/^\/uploads\/(.*)$/, optionalAuth, handle(async (req, res) => {
    let slug: string;
    try {
      slug = decodeURIComponent((req.params as Record<string, string>)[0] ?? "");
    } catch {
      throw new BadRequestError("Bad file path");
    }
    if (slug === "") throw new NotFoundError("No such file");
    // The original refused paths without a known extension the same way.
    if (!/^[^/].*\.[a-z0-9]{2,5}$/.test(slug)) throw new ForbiddenError("Not allowed");
    const viewer: Viewer = req.auth ? api.viewer(req) : viewerOfSession(ctx, deps.web, req);
    const grant = await grantDownload(engine.ctx, uploads.store, slug, viewer.personId);
    await sendUpload(res, uploads, grant.record.slug, grant.record.mimeType, grant.isPublic);
  }));

  return router;
}

function viewerOfSession(ctx: RouterContext, web: WebAuth, req: Request): Viewer {
  const nickname = web.nicknameOf(req);
  return nickname ? { nickname, personId: ctx.engine.personId(nickname) } : ANONYMOUS;
}

/** The uploaded object as the API shows it to its author. */
function presented(ctx: RouterContext, stored: AS, viewer: Viewer): Promise<AS> {
  return ctx.engine.getObject(stored.objectType, stored._uuid, viewer);
}

/**
 * Sends a stored file: its own type, Range (seeking in audio and video),
 * ETag and Last-Modified for revalidation, private caching unless the post
 * is public. Opened on its own, a file runs nothing (CSP sandbox), and
 * files of other types only download.
 */
function sendUpload(res: Response, uploads: Uploads, slug: string, mimeType: string, isPublic: boolean): Promise<void> {
  const headers: Record<string, string> = {
    "Content-Type": mimeType,
    "Cache-Control": `${isPublic ? "public" : "private"}, max-age=${MAX_AGE}`,
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
  };
  if (mimeType === GENERIC_TYPE) headers["Content-Disposition"] = `attachment; filename="${basename(slug)}"`;
  return new Promise((resolve, reject) => {
    res.sendFile(uploads.store.pathOf(slug), { headers, dotfiles: "allow", acceptRanges: true, cacheControl: false, lastModified: true, etag: true }, (err) => {
      // A client that went away mid-file is not an error of ours.
      if (err && !res.headersSent) reject(err);
      else resolve();
    });
  });
}
