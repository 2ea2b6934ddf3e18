import { allowFormTarget } from "../lib/http/security";
import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, ForbiddenError } from "../lib/errors";
import { csrfToken, hasValidCsrfToken } from "../lib/web/csrf";
import { clientAddress } from "../lib/http/client-address";
import { TooManyAttemptsError } from "../lib/model/password-check";
import { formBodyParser } from "../lib/oauth/body";
import { oauthErrorResponder } from "../lib/oauth/errors";
import { verifyAccessTokenRequest, verifyRequestTokenRequest, type VerifyDeps } from "../lib/oauth/verify";
import { createRequestToken, mintAccessToken, updateRequestToken, type RequestTokenRecord } from "../lib/oauth/tokens";
import {
  alreadyApproved,
  approveToken,
  bindToUser,
  callbackUrl,
  loadPendingAuthorization,
  loginForToken,
  LoginFailedError,
  type PendingAuthorization,
} from "../lib/oauth/authorize";

/** Who is logged in on the browser's web session (provided by the web UI once it exists). */
export interface OAuthSessionHooks {
  /** The session's principal: a local nickname, a remote person, or nobody. */
  current(req: Request): Promise<{ nickname: string } | { remote: string } | null>;
  /** Logs the session in as that local user (after a successful login on the authorize page). */
  login(req: Request, res: Response, nickname: string): Promise<void>;
}

export interface OAuthRouterDeps {
  session?: OAuthSessionHooks;
}

/** `/oauth/request_token`, `/oauth/authorize`, `/oauth/access_token` (oauth.md §2–§5). */
export function createOAuthRouter(ctx: RouterContext, deps: OAuthRouterDeps = {}): Router {
  const router = Router();
  const { bank, pages } = ctx;
  const verify: VerifyDeps = {
    bank,
    baseUrl: { https: Boolean(ctx.config.key), canonicalHost: ctx.urls.host, urlPath: ctx.urls.path },
  };
  const form = formBodyParser();
  const formEncoded = (res: Response, values: Record<string, string>): void => {
    res.type("application/x-www-form-urlencoded").send(new URLSearchParams(values).toString());
  };
  const title = (p: PendingAuthorization): string => p.client?.title || "(Unknown)";

  // The original's library answered these for every method and any sub-path.
  router.all(["/oauth/request_token", "/oauth/request_token/*"], form, async (req, res, next) => {
    try {
      const { client, callback } = await verifyRequestTokenRequest(verify, req);
      const rt = await createRequestToken(bank, client.consumer_key, callback);
      formEncoded(res, { oauth_token: rt.token, oauth_token_secret: rt.token_secret, oauth_callback_confirmed: "true" });
    } catch (err) {
      next(err);
    }
  });

  router.all(["/oauth/access_token", "/oauth/access_token/*"], form, async (req, res, next) => {
    try {
      const { client, requestToken } = await verifyAccessTokenRequest(verify, req);
      const { token, secret } = await mintAccessToken(bank, client.consumer_key, requestToken.username!, requestToken.token);
      await updateRequestToken(bank, requestToken, { access_token: token, used: true });
      formEncoded(res, { oauth_token: token, oauth_token_secret: secret });
    } catch (err) {
      next(err);
    }
  });

  /** The session's CSRF token for the pages' forms (null without the web session middleware). */
  const csrf = (req: Request): string | null => (deps.session && req.session ? csrfToken(req) : null);

  const showLogin = (req: Request, res: Response, p: PendingAuthorization, status = 200, error: string | null = null, username = ""): void => {
    // The login may end in a redirect to the client's callback (already approved).
    allowFormTarget(res, callbackUrl(p.rt));
    res.status(status).type("html").send(pages.render("oauth-login", { token: p.rt.token, clientTitle: title(p), error, username, csrf: csrf(req) }));
  };

  /** After the user is known: skip the question if they approved this client before. */
  const afterLogin = async (req: Request, res: Response, p: PendingAuthorization, rt: RequestTokenRecord): Promise<void> => {
    if (await alreadyApproved(bank, rt)) {
      finish(res, rt, p, 302);
      return;
    }
    allowFormTarget(res, callbackUrl(rt));
    res.type("html").send(
      pages.render("oauth-authorize", {
        token: rt.token,
        verifier: rt.verifier,
        nickname: rt.username,
        clientTitle: title(p),
        clientDescription: p.client?.description ?? null,
        csrf: csrf(req),
      }),
    );
  };

  const finish = (res: Response, rt: RequestTokenRecord, p: PendingAuthorization, status: 302 | 303): void => {
    const url = callbackUrl(rt);
    if (url) res.redirect(status, url);
    else res.type("html").send(pages.render("oauth-complete", { token: rt.token, verifier: rt.verifier, clientTitle: title(p) }));
  };

  router.get("/oauth/authorize", async (req, res, next) => {
    try {
      const p = await loadPendingAuthorization(bank, req.query.oauth_token);
      const who = deps.session ? await deps.session.current(req) : null;
      if (who && "remote" in who) throw new BadRequestError("Logged in as remote user");
      if (who) {
        const rt = await bindToUser(bank, p.rt, who.nickname).catch((err: unknown) => {
          throw err instanceof LoginFailedError ? new BadRequestError(err.message) : err;
        });
        await afterLogin(req, res, p, rt);
        return;
      }
      showLogin(req, res, p);
    } catch (err) {
      next(err);
    }
  });

  router.post("/oauth/authorize", form, async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.verifier !== undefined) {
        const rt = await approveToken(bank, body.oauth_token, body.verifier);
        finish(res, rt, await loadPendingAuthorization(bank, rt.token), 303);
        return;
      }
      // A browser with a web session must send the session's CSRF token (no login CSRF);
      // a request without a session (a cross-site post: SameSite=Lax) never logs a session in.
      const browserSession = Boolean(req.session?.csrfToken);
      if (browserSession && !hasValidCsrfToken(req)) {
        throw new ForbiddenError("This form has expired or did not come from this site. Reload the page and try again.");
      }
      const p = await loadPendingAuthorization(bank, body.oauth_token);
      let rt: RequestTokenRecord;
      try {
        rt = await loginForToken({ bank, passwords: ctx.passwords }, p.rt, { username: body.username, password: body.password, address: clientAddress(req) });
      } catch (err) {
        // Locked (429, with Retry-After) or wrong: the form again, with the reason.
        if (!(err instanceof LoginFailedError) && !(err instanceof TooManyAttemptsError)) throw err;
        res.set(err.headers);
        showLogin(req, res, p, err.status === 429 ? 429 : 400, err.message, typeof body.username === "string" ? body.username : "");
        return;
      }
      if (deps.session && browserSession) await deps.session.login(req, res, rt.username!);
      await afterLogin(req, res, p, rt);
    } catch (err) {
      next(err);
    }
  });

  router.use(oauthErrorResponder());
  return router;
}
