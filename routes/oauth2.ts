import { Router, type Request, type Response } from "express";
import type { RouterContext } from "../lib/app";
import { BadRequestError, ForbiddenError, HttpError, UnauthorizedError } from "../lib/errors";
import { asyncHandler } from "../lib/http/async-handler";
import { formBodyParser } from "../lib/oauth/body";
import { consumeAuthorizationCode, codeIsFresh, createAuthorizationCode, issueBearerToken, verifierMatches } from "../lib/oauth/bearer";
import { readClient } from "../lib/oauth/clients";
import { readAuthorizationRequest, redirectWith, type AuthorizationRequest } from "../lib/oauth/oauth2-request";
import { safeEqual } from "../lib/oauth/random";
import { csrfToken, hasValidCsrfToken } from "../lib/web/csrf";

/** An RFC 6749 §5.2 error answer: `{"error": code, "error_description": text}`. */
class OAuth2Error extends HttpError {
  constructor(status: 400 | 401, readonly code: string, description: string) {
    super(status, description);
  }
}

/**
 * OAuth 2.0 as the original's 6.0 alpha had it (oauth.md §9), with its
 * bugs mended: the consent and login pages (`/oauth2/authz`,
 * `/oauth2/authc`, only with the web UI), and `/oauth2/token` for the
 * authorization-code grant (with PKCE, RFC 7636) and client credentials.
 * Errors are RFC 6749 JSON with 400/401, never 500.
 */
export function createOAuth2Router(ctx: RouterContext): Router {
  const router = Router();
  const { bank, pages, web } = ctx;
  const form = formBodyParser();

  router.post("/oauth2/token", form, asyncHandler(async (req, res) => {
    res.set("Cache-Control", "no-store");
    try {
      res.json(await exchange(req));
    } catch (err) {
      if (!(err instanceof OAuth2Error)) throw err;
      if (err.status === 401) res.set("WWW-Authenticate", 'Basic realm="oauth2"');
      res.status(err.status).json({ error: err.code, error_description: err.message });
    }
  }));

  /** The token request: the grant, checked, for a new bearer token. */
  const exchange = async (req: Request): Promise<Record<string, string>> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const param = (name: string): string => {
      const v = body[name];
      if (typeof v !== "string" || v === "") throw new OAuth2Error(400, "invalid_request", `${name} parameter required`);
      return v;
    };
    const [clientId, clientSecret] = basicCredentials(req) ?? [param("client_id"), param("client_secret")];
    const client = await readClient(bank, clientId);
    if (!client || !safeEqual(clientSecret, client.secret)) throw new OAuth2Error(401, "invalid_client", "Unknown client or wrong client secret");
    const grant = param("grant_type");
    if (grant === "client_credentials") {
      const token = await issueBearerToken(bank, { nickname: null, client_id: client.consumer_key, scope: "" });
      return { access_token: token.token, token_type: "Bearer" };
    }
    if (grant !== "authorization_code") throw new OAuth2Error(400, "unsupported_grant_type", `Unrecognized grant_type: ${grant}`);
    const codeValue = param("code");
    const redirectUri = param("redirect_uri");
    const code = await consumeAuthorizationCode(bank, codeValue);
    const bad = (why: string) => new OAuth2Error(400, "invalid_grant", why);
    if (!code || !codeIsFresh(code)) throw bad("Unknown, used or expired code");
    if (code.client_id !== client.consumer_key) throw bad("The code was issued to another client");
    if (code.redirect_uri !== redirectUri) throw bad("redirect_uri differs from the one the code was issued for");
    if (code.code_challenge) {
      const verifier = body.code_verifier;
      if (typeof verifier !== "string" || !verifierMatches(code, verifier)) throw bad("code_verifier missing or does not match the code_challenge");
    }
    const token = await issueBearerToken(bank, { nickname: code.nickname, client_id: client.consumer_key, scope: code.scope });
    return { access_token: token.token, token_type: "Bearer", scope: code.scope };
  };

  // The consent and login pages need the web UI's sessions.
  if (ctx.config.noweb) return router;

  const checkCsrf = (req: Request): void => {
    if (!hasValidCsrfToken(req)) throw new ForbiddenError("This form has expired or did not come from this site. Reload the page and try again.");
  };
  const authzUrl = (a: AuthorizationRequest): string => `${ctx.urls.path}/oauth2/authz?${new URLSearchParams(a.params).toString()}`;
  const authcUrl = (a: AuthorizationRequest): string => `${ctx.urls.path}/oauth2/authc?${new URLSearchParams(a.params).toString()}`;

  router.get("/oauth2/authz", asyncHandler(async (req, res) => {
    const a = await readAuthorizationRequest(bank, req.query);
    if (a.error) return void res.redirect(302, redirectWith(a, { error: a.error }));
    const nickname = web.nicknameOf(req);
    if (!nickname) return void res.redirect(302, authcUrl(a));
    res.type("html").send(pages.render("oauth2-authorize", { params: a.params, clientTitle: a.client.title || "(Unknown)", nickname, scopes: a.scopes, csrf: csrfToken(req) }));
  }));

  router.post("/oauth2/authz", form, asyncHandler(async (req, res) => {
    checkCsrf(req);
    const a = await readAuthorizationRequest(bank, req.body);
    if (a.error) return void res.redirect(303, redirectWith(a, { error: a.error }));
    const nickname = web.nicknameOf(req);
    if (!nickname) throw new UnauthorizedError("Log in first.");
    const body = req.body as Record<string, unknown>;
    // The original's form sent `deny` but checked `denied`, so Deny never worked.
    if (body.deny !== undefined || body.denied !== undefined || body.allow === undefined) {
      return void res.redirect(303, redirectWith(a, { error: "access_denied" }));
    }
    const code = await createAuthorizationCode(bank, {
      nickname,
      client_id: a.client.consumer_key,
      redirect_uri: a.params.redirect_uri,
      scope: a.scopes.join(" "),
      code_challenge: a.params.code_challenge ?? null,
      code_challenge_method: a.challengeMethod,
    });
    res.redirect(303, redirectWith(a, { code: code.code }));
  }));

  const showLogin = (req: Request, res: Response, a: AuthorizationRequest, status = 200, error: string | null = null, nickname = ""): void => {
    res.status(status).type("html").send(pages.render("oauth2-login", { params: a.params, clientTitle: a.client.title || "(Unknown)", error, nickname, csrf: csrfToken(req) }));
  };

  router.get("/oauth2/authc", asyncHandler(async (req, res) => {
    const a = await readAuthorizationRequest(bank, req.query);
    if (a.error) return void res.redirect(302, redirectWith(a, { error: a.error }));
    if (web.nicknameOf(req)) return void res.redirect(302, authzUrl(a));
    showLogin(req, res, a);
  }));

  router.post("/oauth2/authc", form, asyncHandler(async (req, res) => {
    checkCsrf(req);
    const a = await readAuthorizationRequest(bank, req.body);
    if (a.error) return void res.redirect(303, redirectWith(a, { error: a.error }));
    const body = req.body as Record<string, unknown>;
    if (body.cancel !== undefined) return void res.redirect(303, redirectWith(a, { error: "access_denied" }));
    if (web.nicknameOf(req)) return void res.redirect(303, authzUrl(a));
    const nickname = typeof body.nickname === "string" ? body.nickname.trim() : "";
    if (nickname === "" || typeof body.password !== "string" || body.password === "") {
      return showLogin(req, res, a, 400, "nickname and password are required.", nickname);
    }
    try {
      await web.login(req);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      res.set(err.headers);
      const text = err instanceof UnauthorizedError ? "No match for that nickname and password." : err.message;
      return showLogin(req, res, a, err.status === 429 ? 429 : 400, text, nickname);
    }
    res.redirect(303, authzUrl(a));
  }));

  return router;
}

/** `Authorization: Basic` client credentials (RFC 6749 §2.3.1), or null. */
function basicCredentials(req: Request): [string, string] | null {
  const header = req.headers.authorization;
  if (typeof header !== "string" || !header.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new BadRequestError("Malformed Basic credentials");
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before encoding.
    return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
  } catch {
    throw new BadRequestError("Malformed Basic credentials");
  }
}
