import passport from "passport";
import { Router, type Request } from "express";
import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Logger } from "../log";
import { EmailNotConfirmedError, UnauthorizedError } from "../errors";
import { findUser, type UserRecord } from "../model/user";
import { isDisabled } from "../model/user-disable";
import type { PasswordCheck } from "../model/password-check";
import { clientAddress } from "../http/client-address";
import { BankSessionStore } from "./session-store";
import { SESSION_COOKIE, createSessionMiddleware } from "./session";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** What passport puts in `req.user`: the local account. */
    interface User {
      nickname: string;
    }
  }
}

/** The web UI's session login: store, passport, and hooks for other routers. */
export interface WebAuth {
  store: BankSessionStore;
  /** Session + passport middlewares; mount before every router. */
  sessionRouter: Router;
  /** The local user logged in on this request's session, or null. */
  nicknameOf(req: Request): string | null;
  /**
   * Checks nickname and password (throttled: 429 when locked) and logs the
   * session in. Bad credentials → 401 "Incorrect username or password".
   */
  login(req: Request): Promise<UserRecord>;
  /** Logs the session in as a user already verified (registration, OAuth page). */
  loginAs(req: Request, nickname: string): Promise<void>;
  logout(req: Request): Promise<void>;
  /** Logs out every other session of `nickname` (after a password change); this request's stays. */
  endOtherSessions(req: Request, nickname: string): Promise<number>;
}

export interface WebAuthDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  log: Logger;
  /** The one throttled password check. */
  passwords: PasswordCheck;
}

const SESSIONLESS_PATH = /^\/(api|\.well-known)(\/|$)/;

/** False for an API or discovery request that carries no session cookie. */
function needsSession(req: Request): boolean {
  if (!SESSIONLESS_PATH.test(req.path)) return true;
  const cookie = req.headers.cookie;
  return typeof cookie === "string" && cookie.includes(`${SESSION_COOKIE}=`);
}

/** Builds the web session login (one passport instance per app, not the global one). */
export function createWebAuth(deps: WebAuthDeps): WebAuth {
  const { bank, config } = deps;
  const store = new BankSessionStore(bank);

  // Passport keeps the session's user; passwords are checked by deps.passwords.
  const pp = new passport.Passport();
  pp.serializeUser((user, done) => done(null, user.nickname));
  pp.deserializeUser((nickname: unknown, done) => {
    if (typeof nickname !== "string") return done(null, false);
    // A deleted or disabled account's session is simply logged out.
    findUser(bank, nickname).then(
      (u) => done(null, u && !isDisabled(u) && !(config.requireEmail && !u.email) ? { nickname: u.nickname } : false),
      (err) => done(err),
    );
  });

  const sessionRouter = Router();
  const withSession = [createSessionMiddleware(config, store), pp.initialize(), pp.session()];
  // An API or discovery request without the session cookie has no session
  // to read, and nothing under /api or /.well-known stores one: skip the
  // session machinery (a new session object and id per request) for it.
  sessionRouter.use((req, res, next) => (needsSession(req) ? next() : next("router")));
  sessionRouter.use(...withSession);

  const logIn = (req: Request, user: Express.User): Promise<void> =>
    new Promise((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));

  return {
    store,
    sessionRouter,
    nicknameOf: (req) => req.user?.nickname ?? null,
    async login(req) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const nickname = typeof body.nickname === "string" ? body.nickname.trim() : "";
      const user = await deps.passwords.verify({ nickname, password: body.password, address: clientAddress(req) });
      if (!user) throw new UnauthorizedError("Incorrect username or password");
      // With requireEmail an account is usable only once its address is confirmed.
      if (deps.config.requireEmail && !user.email) throw new EmailNotConfirmedError(user.nickname);
      // passport regenerates the session on login (no session fixation).
      await logIn(req, { nickname: user.nickname });
      return user;
    },
    loginAs: (req, nickname) => logIn(req, { nickname }),
    logout: (req) =>
      new Promise((resolve, reject) => {
        if (!req.session) return resolve();
        req.logout((err) => (err ? reject(err) : resolve()));
      }),
    endOtherSessions: (req, nickname) => store.removeSessionsOf(nickname, req.sessionID),
  };
}
