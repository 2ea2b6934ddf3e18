import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, ForbiddenError, HttpError, UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import { allowFormTarget } from "../lib/http/security";
import { parseWebfinger, type RemotePrincipal } from "../lib/federation";
import type { AS } from "../lib/model/as";
import { isPlainObject } from "../lib/model/as";
import { safeReturnPath, type PageData } from "../lib/web/pages";
import { wantsJsonAnswer } from "../lib/web/respond";
import { htmlToText } from "../lib/web/text";
import { remoteViewer } from "../lib/web/remote-session";

const PUBLIC = "http://activityschema.org/collection/public";

/**
 * Log in with an account on another server (federation.md §10):
 * `GET|POST /main/remote`, the OAuth callback `GET /main/authorized/:hostname`,
 * the remote person's home page `GET /main/remote/home` (their inbox, read at
 * their server through us), and `POST /main/proxy` (posting there through us,
 * CSRF-checked by the web router like every /main POST).
 */
export function createWebRemoteRouter(ctx: RouterContext, deps: { pages: PageData }): Router {
  const router = Router();
  const { pages } = deps;
  const login = ctx.federation.remoteLogin;
  const render = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200): void => {
    res.status(status).type("html").send(ctx.pages.render(view, { ...pages.common(req, { forms: true }), ...data }));
  };
  const form = (req: Request, res: Response, error: string | null, webfinger: string, continueTo: string, status = 200): void => {
    // The form's answer redirects to the person's home server, whichever it is.
    allowFormTarget(res, "any-http");
    render(req, res, "remote-login", { title: "Log in with another server", nav: "login", error, webfinger, continueTo }, status);
  };

  // A remote person's home is their inbox at their server, read through us.
  router.get("/", (req, res, next) => (remoteViewer(req) && !pages.viewer(req) ? res.redirect(302, pages.sitePath("/main/remote/home")) : next()));

  router.get("/main/remote", (req, res) => {
    const continueTo = safeReturnPath(req.query.continue, pages.sitePath("/main/remote/home"));
    if (pages.viewer(req)) return res.redirect(302, pages.sitePath("/"));
    form(req, res, null, "", continueTo);
  });

  router.post("/main/remote", asyncHandler(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const continueTo = safeReturnPath(body.continue, pages.sitePath("/main/remote/home"));
    const typed = typeof body.webfinger === "string" ? body.webfinger.slice(0, 300) : "";
    let target: string;
    try {
      const { host } = parseWebfinger(typed);
      target = await login.begin(typed, (h) => ctx.urls.makeURL(`/main/authorized/${encodeURIComponent(h)}`)).catch((err: unknown) => {
        // An unknown, unreachable or refusing host is the address the person typed: a 400 with the form.
        if (err instanceof HttpError && err.status >= 500) {
          { ctx.log.info({ err, host }, "remote login could not start"); throw new BadRequestError(`Could not log in through ${host}: it is not a pump.io server we can reach, or it refused us.`, { cause: err }); }
        }
        throw err;
      });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      form(req, res, err.message, typed, continueTo, err.status);
      return;
    }
    req.session.remoteContinue = continueTo;
    res.redirect(303, target);
  }));

  router.get("/main/authorized/:hostname", asyncHandler(async (req, res) => {
    if (typeof req.query.oauth_problem === "string" || req.query.denied !== undefined) {
      throw new ForbiddenError("The other server did not allow this login.");
    }
    let who: RemotePrincipal;
    try {
      who = await login.finish(req.params.hostname ?? "", req.query.oauth_token, req.query.oauth_verifier);
    } catch (err) {
      if (err instanceof HttpError && err.status >= 500) throw new HttpError(502, `The other server refused the login: ${err.message}`, { cause: err });
      throw err;
    }
    const continueTo = safeReturnPath(req.session?.remoteContinue, pages.sitePath("/main/remote/home"));
    // A new session for the new principal (no fixation); a local login it had ends.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.remotePrincipal = { id: who.id, hostname: who.hostname, displayName: who.displayName, url: who.url };
    res.redirect(303, continueTo);
  }));

  router.get("/main/remote/home", asyncHandler(async (req, res) => {
    const me = remoteViewer(req);
    if (!me) return res.redirect(302, pages.sitePath("/main/remote"));
    const rec = await login.principal(me.id);
    if (!rec) throw new UnauthorizedError("Log in again with your account on the other server.");
    let items: Array<{ actor: string; text: string; verb: string; published: string }> = [];
    let readError: string | null = null;
    if (rec.inbox) {
      const r = await login.requestAs(me.id, `${rec.inbox}/major?count=20`).catch(() => null);
      const json = r && r.status === 200 ? safeJson(r.text()) : null;
      if (json && Array.isArray(json.items)) items = (json.items as AS[]).map(summary);
      else readError = `Your inbox at ${rec.hostname} could not be read just now.`;
    }
    render(req, res, "remote-home", { title: "Home", nav: "home", me: rec, items, readError, posted: req.query.posted === "1" });
  }));

  router.post("/main/proxy", asyncHandler(async (req, res) => {
    if (pages.viewer(req)) throw new UnauthorizedError("Only for remote users");
    const me = remoteViewer(req);
    if (!me) throw new UnauthorizedError("Only for remote users");
    const rec = await login.principal(me.id);
    if (!rec) throw new UnauthorizedError("Log in again with your account on the other server.");
    if (!rec.outbox) throw new HttpError(502, "No activity outbox endpoint");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const activity = wantsJsonAnswer(req) && isPlainObject(body) && typeof body.verb === "string" ? stripCsrf(body) : noteFrom(body);
    const r = await login.requestAs(me.id, rec.outbox, { method: "POST", body: activity });
    if (r.status < 200 || r.status >= 300) throw new HttpError(r.status >= 400 && r.status < 500 ? 400 : 502, `Remote OAuth error code ${r.status}`);
    if (wantsJsonAnswer(req)) {
      res.json(safeJson(r.text()) ?? {});
      return;
    }
    res.redirect(303, pages.sitePath("/main/remote/home?posted=1"));
  }));

  return router;
}

function noteFrom(body: Record<string, unknown>): AS {
  const content = typeof body.content === "string" ? body.content.trim() : "";
  if (!content) throw new BadRequestError("Write something to post.");
  const escaped = content.slice(0, 20_000).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, "<br>");
  return { verb: "post", object: { objectType: "note", content: escaped }, to: [{ id: PUBLIC, objectType: "collection" }] };
}

function stripCsrf(body: Record<string, unknown>): AS {
  const { _csrf: _ignored, ...rest } = body;
  return rest as AS;
}

function safeJson(text: string): AS | null {
  try {
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? (v as AS) : null;
  } catch {
    return null;
  }
}

/** A remote inbox item as plain text for the page (remote HTML is never shown as HTML). */
function summary(a: AS): { actor: string; text: string; verb: string; published: string } {
  const actor = isPlainObject(a.actor) ? String(a.actor.displayName ?? a.actor.preferredUsername ?? a.actor.id ?? "") : "";
  const obj = isPlainObject(a.object) ? a.object : {};
  const html = typeof obj.content === "string" ? obj.content : typeof a.content === "string" ? a.content : "";
  return { actor, verb: String(a.verb ?? ""), text: htmlToText(html).slice(0, 2000), published: String(a.published ?? "") };
}
