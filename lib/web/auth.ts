import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { Router, type Request, type Response } from "express";
import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Logger } from "../log";
import { EmailNotConfirmedError, UnauthorizedError } from "../errors";
import { findUser, verifyPassword, type UserRecord } from "../model/user";
import { BankSessionStore } from "./session-store";
import { createSessionMiddleware } from "./session";
import { LoginThrottle, type ThrottleOptions, DEFAULT_THROTTLE } from "./throttle";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** What passport puts in `req.user`: the local account. */
    interface User {
      nickname: string;
    }
  }
}

/** The web UI's session login: store, passport, throttle, and hooks for other routers. */
export interface WebAuth {
  store: BankSessionStore;
  throttle: LoginThrottle;
  /** Session + passport middlewares; mount before every router. */
  sessionRouter: Router;
  /** The local user logged in on this request's session, or null. */
  nicknameOf(req: Request): string | null;
  /**
   * Checks nickname and password (throttled: 429 when locked) and logs the
   * session in. Bad credentials → 401 "Incorrect username or password".
   */
  login(req: Request, res: Response): Promise<UserRecord>;
  /** Logs the session in as a user already verified (registration, OAuth page). */
  loginAs(req: Request, nickname: string): Promise<void>;
  logout(req: Request): Promise<void>;
}

export interface WebAuthDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  log: Logger;
  throttle?: ThrottleOptions;
}

/** Builds the web session login (one passport instance per app, not the global one). */
export function createWebAuth(deps: WebAuthDeps): WebAuth {
  const { bank, config } = deps;
  const store = new BankSessionStore(bank);
  const throttle = new LoginThrottle(bank, deps.throttle ?? DEFAULT_THROTTLE);

  const pp = new passport.Passport();
  pp.use(
    new LocalStrategy({ usernameField: "nickname", passwordField: "password", session: true }, (nickname, password, done) => {
      verifyPassword(bank, nickname, password).then(
        (user) => done(null, user ? { nickname: user.nickname } : false),
        (err) => done(err),
      );
    }),
  );
  pp.serializeUser((user, done) => done(null, user.nickname));
  pp.deserializeUser((nickname: unknown, done) => {
    if (typeof nickname !== "string") return done(null, false);
    // A deleted account's session is simply logged out.
    findUser(bank, nickname).then(
      (u) => done(null, u && !(config.requireEmail && !u.email) ? { nickname: u.nickname } : false),
      (err) => done(err),
    );
  });

  const sessionRouter = Router();
  sessionRouter.use(createSessionMiddleware(config, store), pp.initialize(), pp.session());

  const logIn = (req: Request, user: Express.User): Promise<void> =>
    new Promise((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));

  return {
    store,
    throttle,
    sessionRouter,
    nicknameOf: (req) => req.user?.nickname ?? null,
    async login(req, res) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const nickname = typeof body.nickname === "string" ? body.nickname.trim() : "";
      const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
      await throttle.check(nickname, address);
      const user = await new Promise<Express.User | false>((resolve, reject) => {
        pp.authenticate("local", { session: false }, (err: unknown, u: Express.User | false) => (err ? reject(err) : resolve(u)))(
          req,
          res,
          reject,
        );
      });
      if (!user) {
        await throttle.fail(nickname, address);
        throw new UnauthorizedError("Incorrect username or password");
      }
      await throttle.succeed(user.nickname);
      const record = await findUser(bank, user.nickname);
      if (!record) throw new UnauthorizedError("Incorrect username or password");
      // With requireEmail an account is usable only once its address is confirmed.
      if (config.requireEmail && !record.email) throw new EmailNotConfirmedError(record.nickname);
      // passport regenerates the session on login (no session fixation).
      await logIn(req, user);
      return record;
    },
    loginAs: (req, nickname) => logIn(req, { nickname }),
    logout: (req) =>
      new Promise((resolve, reject) => {
        if (!req.session) return resolve();
        req.logout((err) => (err ? reject(err) : resolve()));
      }),
  };
}
