import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { EmailNotConfirmedError, HttpError, statusOf } from "../lib/errors";
import { findUser } from "../lib/model/user";
import { asyncHandler } from "../lib/http/async-handler";
import { clientAddress } from "../lib/http/client-address";
import type { WebActions } from "../lib/web/actions";
import type { WebAuth } from "../lib/web/auth";
import { csrfToken } from "../lib/web/csrf";
import { safeReturnPath, type PageData } from "../lib/web/pages";
import { formDone, wantsJsonAnswer } from "../lib/web/respond";
import { htmlToText } from "../lib/web/text";
import { PrefsStore } from "../lib/web/prefs";
import { authorisedApps, revokeApp } from "../lib/web/apps";
import { deleteAccount } from "../lib/oauth/accounts";

/** Notices of the settings page after a save (`?saved=`). */
const SETTINGS_NOTICES: Record<string, string> = {
  email: "Your email settings are saved.",
  directory: "Your directory setting is saved.",
  "email-sent": "Your email settings are saved. We mailed a link to the new address: it is used once you open the link.",
};

/** Statuses of form errors shown on the form itself. */
const FIXABLE = new Set([400, 401, 403, 409, 429]);

/** Sends the user to the login page, to come back to this page after. */
export function toLogin(pages: PageData, req: Request, res: Response): void {
  res.redirect(302, `${pages.sitePath("/main/login")}?${new URLSearchParams({ continue: pages.here(req) }).toString()}`);
}

/**
 * Log in, register, log out, profile settings and account pages
 * (`/main/login|register|logout|settings|account`). Form errors a person
 * can fix re-render the form with the message; the client script gets the
 * usual JSON errors.
 */
export function createWebAccountRouter(ctx: RouterContext, deps: { web: WebAuth; actions: WebActions; pages: PageData }): Router {
  const router = Router();
  const { web, actions, pages } = deps;
  const { engine, config } = ctx;
  const prefs = new PrefsStore(ctx.bank);
  const render = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): void => {
    res.status(status).type("html").send(ctx.pages.render(view, { ...pages.common(req, { forms: true }), ...data }));
  };
  /** Re-renders the form for errors the person can fix; anything else goes to the error handler. */
  const formError = async (
    req: Request,
    res: Response,
    err: unknown,
    show: (message: string, status: number) => void | Promise<void>,
  ): Promise<void> => {
    const status = statusOf(err);
    if (wantsJsonAnswer(req) || !(err instanceof HttpError) || !FIXABLE.has(status)) throw err;
    res.set(err.headers);
    await show(err.message, status);
  };

  router.get("/main/login", (req, res) => {
    const continueTo = safeReturnPath(req.query.continue, pages.sitePath("/"));
    if (pages.viewer(req)) return res.redirect(302, continueTo);
    render(req, res, "login", { title: "Log in", nav: "login", error: null, nickname: "", continueTo });
  });

  router.post("/main/login", asyncHandler(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const continueTo = safeReturnPath(body.continue, pages.sitePath("/"));
    try {
      const user = await web.login(req);
      if (wantsJsonAnswer(req)) {
        res.json({ nickname: user.nickname, profile: await engine.getProfile(user.nickname, pages.engineViewer(req)), csrf: csrfToken(req) });
        return;
      }
      res.redirect(303, continueTo);
    } catch (err) {
      // Right password, unconfirmed address (requireEmail): say so, with a button to resend the link.
      if (err instanceof EmailNotConfirmedError && !wantsJsonAnswer(req)) {
        await confirmNeeded(req, res, err.nickname, 403);
        return;
      }
      await formError(req, res, err, (error, status) =>
        render(req, res, "login", { title: "Log in", nav: "login", error, continueTo, nickname: typeof body.nickname === "string" ? body.nickname : "" }, status),
      );
    }
  }));

  const registerPage = (req: Request, res: Response, error: string | null, status = 200): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown): string => (typeof v === "string" ? v : "");
    render(req, res, "register", { title: "Register", nav: "register", error, nickname: str(body.nickname), email: str(body.email) }, status);
  };

  router.get("/main/register", (req, res, next) => {
    if (pages.viewer(req)) return res.redirect(302, pages.sitePath("/"));
    if (config.disableRegistration) return next(new HttpError(403, "Registration is closed on this site."));
    registerPage(req, res, null);
  });

  router.post("/main/register", asyncHandler(async (req, res) => {
    try {
      const user = await actions.register((req.body ?? {}) as Record<string, unknown>);
      await ctx.email.confirmation.afterRegister(user);
      if (config.requireEmail && !user.email) {
        // No login before the address is confirmed; the page offers to resend the link.
        if (wantsJsonAnswer(req)) res.json({ nickname: user.nickname, confirmationSent: true });
        else await confirmNeeded(req, res, user.nickname, 200);
        return;
      }
      await web.loginAs(req, user.nickname);
      if (wantsJsonAnswer(req)) {
        res.json({ nickname: user.nickname, profile: await engine.getProfile(user.nickname, pages.engineViewer(req)), csrf: csrfToken(req) });
        return;
      }
      res.redirect(303, pages.sitePath("/"));
    } catch (err) {
      await formError(req, res, err, (error, status) => registerPage(req, res, error, status));
    }
  }));

  /** "Check your mail" page of an account waiting for its first confirmed address; the session remembers whom to resend for. */
  const confirmNeeded = async (req: Request, res: Response, nickname: string, status: number): Promise<void> => {
    const user = await findUser(ctx.bank, nickname);
    req.session.pendingConfirmation = nickname;
    render(req, res, "confirm-needed", { title: "Confirm your email address", nickname, email: user?._pendingEmail ?? "", error: null }, status);
  };

  router.get("/main/logout", (req, res) => {
    if (!pages.viewer(req)) return res.redirect(302, pages.sitePath("/"));
    render(req, res, "logout", { title: "Log out" });
  });

  router.post("/main/logout", asyncHandler(async (req, res) => {
    await web.logout(req);
    if (wantsJsonAnswer(req)) res.json("OK");
    else res.redirect(303, pages.sitePath("/"));
  }));

  const settingsPage = async (req: Request, res: Response, error: string | null, status = 200, emailError: string | null = null): Promise<void> => {
    const me = pages.viewer(req)!;
    const profile = await engine.getProfile(me.nickname, pages.engineViewer(req));
    const bio = htmlToText(typeof profile.summary === "string" ? profile.summary : "");
    const account = ctx.email.enabled ? await ctx.email.settings.view(me.nickname) : null;
    const notice = !error && !emailError ? SETTINGS_NOTICES[String(req.query.saved)] ?? null : null;
    const listed = !(await prefs.get(me.nickname)).hideFromDirectory;
    render(req, res, "settings", { title: "Profile settings", nav: "settings", profile, bio, error, emailError, account, notice, listed }, status);
  };

  router.get("/main/settings", asyncHandler(async (req, res) => {
    if (!pages.viewer(req)) return toLogin(pages, req, res);
    await settingsPage(req, res, null);
  }));

  router.post("/main/settings", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    try {
      const profile = await actions.updateProfile(me.nickname, (req.body ?? {}) as Record<string, unknown>);
      formDone(req, res, profile, pages.sitePath(`/${me.nickname}`));
    } catch (err) {
      await formError(req, res, err, (error, status) => settingsPage(req, res, error, status));
    }
  }));

  router.post("/main/settings/email", asyncHandler(async (req, res, next) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    if (!ctx.email.enabled) return next();
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const pending = await ctx.email.settings.save(me.nickname, { email: typeof body.email === "string" ? body.email : "", notify: body.notify === "on" || body.notify === true });
      if (wantsJsonAnswer(req)) res.json({ ...(await ctx.email.settings.view(me.nickname)), sent: pending !== null });
      else res.redirect(303, pages.sitePath(`/main/settings?saved=${pending ? "email-sent" : "email"}`));
    } catch (err) {
      await formError(req, res, err, (error, status) => settingsPage(req, res, null, status, error));
    }
  }));

  const accountPage = async (req: Request, res: Response, error: string | null, status = 200, deleteError: string | null = null): Promise<void> => {
    const notices: Record<string, string> = { "1": "Your password has been changed." };
    const notice = !error && !deleteError ? notices[String(req.query.changed)] ?? (req.query.revoked === "1" ? "The application can no longer act for you." : null) : null;
    const apps = await authorisedApps(ctx.bank, pages.viewer(req)!.nickname);
    render(req, res, "account", { title: "Account", nav: "account", error, notice, apps, deleteError }, status);
  };

  router.get("/main/account", asyncHandler(async (req, res) => {
    if (!pages.viewer(req)) return toLogin(pages, req, res);
    await accountPage(req, res, null);
  }));

  router.post("/main/account/revoke", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    const key = String((req.body as Record<string, unknown>)?.client ?? "");
    await revokeApp(ctx.bank, me.nickname, key);
    formDone(req, res, { revoked: true }, pages.sitePath("/main/account?revoked=1"));
  }));

  /** Deletes the account after checking the password (as the API's DELETE /api/user/:nick does), then logs out. */
  router.post("/main/account/delete", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ok = await ctx.passwords.verify({ nickname: me.nickname, password: typeof body.password === "string" ? body.password : "", address: clientAddress(req) });
    if (!ok || body.confirm !== "on") {
      return accountPage(req, res, null, 400, ok ? "Tick the box to confirm." : "Your password is not correct.");
    }
    await deleteAccount(ctx.bank, me.nickname);
    await engine.forgetUser(me.nickname);
    await prefs.set(me.nickname, { hideFromDirectory: true }).catch(() => undefined);
    await web.logout(req);
    await ctx.web.store.removeSessionsOf(me.nickname);
    if (wantsJsonAnswer(req)) res.json("Deleted.");
    else res.redirect(303, pages.sitePath("/"));
  }));

  router.post("/main/account", asyncHandler(async (req, res) => {
    const me = pages.viewer(req);
    if (!me) return toLogin(pages, req, res);
    try {
      await actions.changePassword(me.nickname, (req.body ?? {}) as Record<string, unknown>, clientAddress(req));
      // Whoever logged in with the old password (perhaps a thief) is logged out; this session stays.
      await web.endOtherSessions(req, me.nickname);
      if (wantsJsonAnswer(req)) res.json({ nickname: me.nickname, changed: true });
      else res.redirect(303, pages.sitePath("/main/account?changed=1"));
    } catch (err) {
      await formError(req, res, err, (error, status) => accountPage(req, res, error, status));
    }
  }));

  return router;
}
