import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, HttpError, statusOf } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import { RECOVER_TTL_MS, invalidLink } from "../lib/email";
import { findUser } from "../lib/model/user";
import type { WebAuth } from "../lib/web/auth";
import { csrfProtection } from "../lib/web/csrf";
import type { PageData } from "../lib/web/pages";
import { wantsJsonAnswer } from "../lib/web/respond";

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The pages of email (ops.md §3, webui.md §3): confirming an address
 * (`/main/confirm/:code`, also with `noweb`, since API users get the link
 * too), asking for the link again, and password recovery (`/main/recover…`,
 * only with smtpserver). Links in mail only show a page; the change itself
 * takes a button (POST), so a mail scanner that follows links uses nothing up.
 */
export function createWebEmailRouter(ctx: RouterContext, deps: { web: WebAuth; pages: PageData }): Router {
  const router = Router();
  const { email } = ctx;
  const { web, pages } = deps;
  if (!email.enabled) return router;
  const render = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): void => {
    res.status(status).type("html").send(ctx.pages.render(view, { ...pages.common(req, { forms: true }), ...data }));
  };
  /** Errors a person can act on are shown on the page; anything else goes to the error handler. */
  const shown = (req: Request, err: unknown): string => {
    if (wantsJsonAnswer(req) || !(err instanceof HttpError) || ![400, 403, 429].includes(statusOf(err))) throw err;
    return err.message;
  };
  const csrf = csrfProtection();

  // --- Confirmation ---

  router.get("/main/confirm/:code", asyncHandler(async (req, res) => {
    const found = await email.confirmation.peek(req.params.code);
    if (!found) {
      render(req, res, "confirm", { state: "invalid", error: invalidText() }, 400);
      return;
    }
    render(req, res, "confirm", { state: "ask", code: req.params.code, ...found });
  }));

  router.post("/main/confirm/:code", csrf, asyncHandler(async (req, res) => {
    const viewer = pages.viewer(req);
    const found = await email.confirmation.peek(req.params.code);
    // As the original: a code can't be used from someone else's session.
    if (found && viewer && viewer.nickname !== found.nickname) {
      throw new BadRequestError("You are logged in as someone else. Log out, then open the link again.");
    }
    try {
      const done = await email.confirmation.confirm(req.params.code);
      // A new account's first address: the person proved they got the mail, so they are in.
      if (done.first && !viewer) await web.loginAs(req, done.nickname);
      if (req.session) delete req.session.pendingConfirmation;
      if (wantsJsonAnswer(req)) res.json({ confirmed: true, nickname: done.nickname, email: done.email });
      else render(req, res, "confirm", { state: "done", ...done });
    } catch (err) {
      render(req, res, "confirm", { state: "invalid", error: shown(req, err) }, statusOf(err));
    }
  }));

  router.post("/main/confirm-resend", csrf, asyncHandler(async (req, res) => {
    const nickname = req.session?.pendingConfirmation ?? pages.viewer(req)?.nickname;
    if (!nickname) throw new BadRequestError("Log in first, so we know whose link to send.");
    const user = await findUser(ctx.bank, nickname);
    try {
      const { email: to } = await email.confirmation.resend(nickname);
      if (wantsJsonAnswer(req)) res.json({ sent: true, email: to });
      else render(req, res, "confirm-needed", { nickname, email: to, error: null, notice: `We sent a new link to ${to}.` });
    } catch (err) {
      const error = shown(req, err);
      if (err instanceof HttpError) res.set(err.headers);
      render(req, res, "confirm-needed", { nickname, email: user?._pendingEmail ?? "", error }, statusOf(err));
    }
  }));

  // --- Recovery ---

  router.get("/main/recover", (req, res) => {
    render(req, res, "recover", { error: null, identifier: "" });
  });

  router.post("/main/recover", csrf, asyncHandler(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // `nickname` is what the original's client sent.
    const identifier = str(body.identifier) || str(body.nickname);
    try {
      await email.recovery.request(identifier, req.ip ?? req.socket.remoteAddress ?? "unknown");
    } catch (err) {
      const error = shown(req, err);
      if (err instanceof HttpError) res.set(err.headers);
      render(req, res, "recover", { error, identifier }, statusOf(err));
      return;
    }
    if (wantsJsonAnswer(req)) res.json({ sent: true });
    else res.redirect(303, `${ctx.urls.path}/main/recover-sent`);
  }));

  router.get("/main/recover-sent", (req, res) => {
    render(req, res, "recover-sent", { minutes: Math.round(RECOVER_TTL_MS / 60000) });
  });

  router.get("/main/recover/:code", asyncHandler(async (req, res) => {
    const nickname = await email.recovery.peek(req.params.code);
    if (!nickname) render(req, res, "recover-code", { valid: false, error: invalidText() }, 400);
    else render(req, res, "recover-code", { valid: true, code: req.params.code, nickname, error: null });
  }));

  router.post("/main/recover/:code", csrf, asyncHandler(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = req.params.code;
    let nickname: string;
    try {
      nickname = await email.recovery.redeem(code, body.password, body.repeat);
    } catch (err) {
      const error = shown(req, err);
      const who = await email.recovery.peek(code);
      render(req, res, "recover-code", { valid: who !== null, code, nickname: who, error }, statusOf(err));
      return;
    }
    // Whoever knew the old password is logged out everywhere; this browser is logged in (there is no web UI with noweb).
    await web.store.removeSessionsOf(nickname);
    if (!ctx.config.noweb) await web.loginAs(req, nickname);
    if (wantsJsonAnswer(req)) res.json({ nickname, changed: true });
    else if (ctx.config.noweb) render(req, res, "recover-code", { valid: true, done: true, nickname });
    else res.redirect(303, `${ctx.urls.path}/main/account?changed=1`);
  }));

  return router;
}

const invalidText = (): string => invalidLink().message;
