import type { Request, RequestHandler } from "express";
import type { RouterContext } from "../app";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { findUser } from "../model/user";
import { assertEnabled } from "../model/user-disable";
import { formBodyParser } from "./body";
import { canWrite, findBearerToken, type BearerTokenRecord } from "./bearer";
import { readClient, type ClientRecord } from "./clients";
import { OAUTH_CHALLENGE, OAuthError, OAuthMessages, sendSignatureRefusal } from "./errors";
import { collectParams, hasOAuthCredentials, hasOAuthToken } from "./request-params";
import { verifyClientRequest, verifyUserRequest, type VerifyDeps } from "./verify";

/** Who made an authenticated request. */
export interface AuthInfo {
  /** The OAuth client that signed the request; null for a web session. */
  client: ClientRecord | null;
  /** The local user acting, or null (2-legged requests). */
  nickname: string | null;
  /** How: 2-legged OAuth ("client"), 3-legged OAuth ("user"), an OAuth 2 bearer token, or the web session. */
  via: "client" | "user" | "bearer" | "session";
}

declare module "express-serve-static-core" {
  interface Request {
    /** Set by the auth middlewares of lib/oauth/auth.ts. */
    auth?: AuthInfo;
  }
}

/** The local user logged in on a request's web session, if any (the web UI provides it). */
export type SessionNicknameSource = (req: Request) => Promise<string | null> | string | null;

export interface AuthOptions {
  /** Session login for the web UI; without it only OAuth authenticates. */
  sessionNickname?: SessionNicknameSource;
}

/** The auth middlewares of the API (api.md §2). */
export interface AuthMiddlewares {
  /** A bearer token, else 3-legged if `oauth_token` is present, else 2-legged, else the web session; none → 401 "Not logged in.". */
  anyRead: RequestHandler;
  /** A user's bearer token, 3-legged OAuth or a session of a local user; none → 401; 2-legged → 400 "Missing required parameter". */
  userRead: RequestHandler;
  /** 3-legged OAuth, or a user's bearer token with a write scope. */
  userWrite: RequestHandler;
  /** 3-legged OAuth only, also for a user whose email is not confirmed yet (to ask for the mail again). */
  userWriteUnconfirmed: RequestHandler;
  /** 2-legged OAuth only (a request carrying a token is refused). */
  clientWrite: RequestHandler;
  /** The checks themselves, for code that is not a route (e.g. the web UI's login). */
  verifyClient(req: Request): Promise<AuthInfo>;
  verifyUser(req: Request): Promise<AuthInfo>;
}

/** The request's auth info; 401 if no auth middleware ran (a wiring mistake). */
export function authOf(req: Request): AuthInfo {
  if (!req.auth) throw new UnauthorizedError();
  return req.auth;
}

/** What the signature checks need of the site (the auth middlewares' and the fast lane's). */
export function verifyDeps(config: Pick<RouterContext["config"], "key">, bank: RouterContext["bank"], urls: Pick<RouterContext["urls"], "host" | "path">): VerifyDeps {
  return { bank, baseUrl: { https: Boolean(config.key), canonicalHost: urls.host, urlPath: urls.path } };
}

/** Builds the auth middlewares from the router context. */
export function createAuth(ctx: Pick<RouterContext, "bank" | "config" | "urls">, opts: AuthOptions = {}): AuthMiddlewares {
  const deps = verifyDeps(ctx.config, ctx.bank, ctx.urls);
  const session = async (req: Request): Promise<AuthInfo | null> => {
    const nickname = opts.sessionNickname ? await opts.sessionNickname(req) : null;
    return nickname ? { client: null, nickname, via: "session" } : null;
  };

  const verifyClient = async (req: Request): Promise<AuthInfo> => {
    const { client } = await verifyClientRequest(deps, req);
    return { client, nickname: null, via: "client" };
  };

  /** The token's account, if it may use the API; `dead` is the refusal for a vanished account. */
  const activeUser = async (nickname: string, allowUnconfirmed: boolean, dead: () => Error) => {
    const user = await findUser(ctx.bank, nickname);
    // Tokens of a deleted account are dead (the original crashed on them).
    if (!user) throw dead();
    // A disabled account's tokens are valid but refused: 403 saying why, so apps do not re-authorize in a loop.
    assertEnabled(user);
    if (ctx.config.requireEmail && !user.email && !allowUnconfirmed) {
      throw new ForbiddenError(
        `Can't use the API until you confirm your email address: open the link we mailed you, or POST /api/user/${user.nickname}/confirmation/resend to get a new one.`,
      );
    }
    return user;
  };

  const verifyUserOf = (allowUnconfirmed: boolean) => async (req: Request): Promise<AuthInfo> => {
    const { client, accessToken } = await verifyUserRequest(deps, req);
    const user = await activeUser(accessToken.username, allowUnconfirmed, () => new OAuthError(401, OAuthMessages.token));
    return { client, nickname: user.nickname, via: "user" };
  };
  const verifyUser = verifyUserOf(false);

  /** An OAuth 2 bearer token (oauth.md §9): its client and, for a user's token, its user. */
  const verifyBearer = async (req: Request, need: "any" | "user" | "write", allowUnconfirmed = false): Promise<AuthInfo> => {
    const invalid = () => new UnauthorizedError("Invalid bearer token", { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
    const record: BearerTokenRecord | null = await findBearerToken(ctx.bank, bearerOf(req) ?? "");
    const client = record ? await readClient(ctx.bank, record.client_id) : null;
    if (!record || !client) throw invalid();
    if (record.nickname === null) {
      if (need !== "any") throw new UnauthorizedError("This needs a user's token; a client credentials token only reads public items", { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
      return { client, nickname: null, via: "bearer" };
    }
    if (need === "write" && !canWrite(record)) {
      throw new ForbiddenError(`This token may only read (scope: "${record.scope}"); ask for the writeown scope to write`);
    }
    const user = await activeUser(record.nickname, allowUnconfirmed, invalid);
    return { client, nickname: user.nickname, via: "bearer" };
  };

  const anyRead = async (req: Request): Promise<AuthInfo> => {
    if (bearerOf(req) !== null) return verifyBearer(req, "any");
    if (hasOAuthToken(req)) return verifyUser(req);
    if (hasOAuthCredentials(req)) return verifyClient(req);
    const s = await session(req);
    if (s) return s;
    throw new UnauthorizedError("Not logged in.");
  };

  const userRead = async (req: Request): Promise<AuthInfo> => {
    if (bearerOf(req) !== null) return verifyBearer(req, "user");
    if (hasOAuthCredentials(req)) return verifyUser(req);
    const s = await session(req);
    if (s) return s;
    throw new UnauthorizedError("Not logged in.");
  };

  const clientWrite = async (req: Request): Promise<AuthInfo> => {
    // No OAuth at all is a missing login, not a malformed request: 401, as
    // the other levels answer it (the original's library said 400 here).
    if (!hasOAuthCredentials(req)) {
      throw new UnauthorizedError("Client credentials required: sign the request with OAuth 1.0a", { headers: { "WWW-Authenticate": OAUTH_CHALLENGE } });
    }
    // Check the signature first so a bad request gets the usual answers.
    const auth = await verifyClient(req);
    if (collectParams(req).oauth.oauth_token !== undefined) throw new OAuthError(400, OAuthMessages.tokenNotAllowed);
    return auth;
  };

  const userWriteOf = (allowUnconfirmed: boolean) => (req: Request): Promise<AuthInfo> =>
    bearerOf(req) !== null ? verifyBearer(req, "write", allowUnconfirmed) : verifyUserOf(allowUnconfirmed)(req);

  return {
    anyRead: middleware(anyRead),
    userRead: middleware(userRead),
    userWrite: middleware(userWriteOf(false)),
    userWriteUnconfirmed: middleware(userWriteOf(true)),
    clientWrite: middleware(clientWrite),
    verifyClient,
    verifyUser,
  };
}

/** The token of an `Authorization: Bearer <token>` header (the exact prefix, as the original), or null. */
export function bearerOf(req: Request): string | null {
  const header = req.headers.authorization;
  return typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7).trim() : null;
}

/** Parses a form body (keeping its raw bytes), runs `check`, and sets `req.auth`. */
function middleware(check: (req: Request) => Promise<AuthInfo>): RequestHandler {
  const parseForm = formBodyParser();
  return (req, res, next) => {
    parseForm(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      check(req).then(
        (auth) => {
          req.auth = auth;
          next();
        },
        (e: unknown) => {
          if (!sendSignatureRefusal(res, e)) next(e);
        },
      );
    });
  };
}
