import { Router, type Request } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, ForbiddenError, UnauthorizedError } from "../lib/errors";
import { WebActions } from "../lib/web/actions";
import type { WebAuth } from "../lib/web/auth";
import { hasValidCsrfToken } from "../lib/web/csrf";
import { safeReturnPath } from "../lib/web/pages";
import { wantsJsonAnswer } from "../lib/web/respond";
import { textToHtml } from "../lib/web/text";
import { postUpload, receiveMultipart, useAsAvatar, withTempDir, type MultipartUpload, type Uploads } from "../lib/uploads";
import { handle } from "./api-support";

/** File input names: ours, and Fine Uploader's (the original's client). */
const FILE_FIELDS = ["file", "qqfile"];

/**
 * The web forms that upload (webui.md §5): `POST /main/upload` posts a
 * picture (file, title, description, audience) and `POST
 * /main/upload-avatar` makes a new profile picture. Plain multipart forms
 * that work without JavaScript; the CSRF token is a form field before the
 * file (or the X-CSRF-Token header), checked before the file is kept.
 * Mounted before the web router, whose CSRF check cannot read multipart bodies.
 */
export function createWebUploadsRouter(ctx: RouterContext, deps: { web: WebAuth; uploads: Uploads }): Router {
  const router = Router();
  const { engine } = ctx;
  const { uploads, web } = deps;
  const actions = new WebActions({ config: ctx.config, bank: ctx.bank, urls: ctx.urls, engine, passwords: ctx.passwords });

  const me = (req: Request): string => {
    const nickname = web.nicknameOf(req);
    if (!nickname) throw new UnauthorizedError("Log in first.");
    return nickname;
  };
  const checkCsrf = (req: Request, fields: Record<string, string>): void => {
    req.body = fields;
    if (!hasValidCsrfToken(req)) throw new ForbiddenError("This form has expired or did not come from this site. Reload the page and try again.");
  };
  /** Receives the form, runs `use` on its file, and cleans up whatever happens. */
  const receive = <T>(req: Request, use: (form: MultipartUpload & { file: NonNullable<MultipartUpload["file"]> }) => Promise<T>): Promise<T> =>
    withTempDir(uploads.tempRoot, async (dir) => {
      const form = await receiveMultipart(req, dir, uploads.limit, { fileFields: FILE_FIELDS, beforeFile: (f) => checkCsrf(req, f) });
      checkCsrf(req, form.fields);
      if (!form.file) throw new BadRequestError("Choose a file to upload");
      return use({ ...form, file: form.file });
    });

  router.post("/main/upload", handle(async (req, res) => {
    const nickname = me(req);
    const activity = await receive(req, async ({ fields, file }) => {
      const description = (fields.description ?? "").trim();
      const obj = await uploads.store.save(nickname, file, { title: fields.title, description: description ? textToHtml(description) : undefined, alt: fields.alt });
      return postUpload(engine, nickname, obj, actions.audience(nickname, fields.to ?? ""), actions.generator);
    });
    if (wantsJsonAnswer(req)) res.json(activity);
    else res.redirect(303, safeReturnPath((req.body as Record<string, unknown>).returnTo, "/"));
  }));

  router.post("/main/upload-avatar", handle(async (req, res) => {
    const nickname = me(req);
    const profile = await receive(req, async ({ file }) => {
      const obj = await uploads.store.save(nickname, file, { avatar: true });
      return useAsAvatar(engine, nickname, obj, actions.generator);
    });
    if (wantsJsonAnswer(req)) res.json(profile);
    else res.redirect(303, safeReturnPath((req.body as Record<string, unknown>).returnTo, "/main/settings"));
  }));

  return router;
}
