import { randomBytes } from "node:crypto";
import session from "express-session";
import type { CookieOptions } from "express-session";
import type { RequestHandler } from "express";
import { underPrefix } from "../http/url-path";
import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import { BankSessionStore } from "./session-store";

declare module "express-session" {
  interface SessionData {
    /** Synchronizer CSRF token of this session (lib/web/csrf.ts). */
    csrfToken?: string;
    /** Set by passport: the logged-in local user's nickname. */
    passport?: { user?: string };
    /** The account this (logged-out) session registered or tried to log in as while its email is unconfirmed: "send the link again" resends for it. */
    pendingConfirmation?: string;
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = "pump.sid";

/**
 * The session cookie's attributes: HttpOnly, SameSite=Lax (a cross-site
 * form post does not carry it), Secure when the server itself speaks
 * HTTPS (`key` configured), scoped to the site's path. No Max-Age: it
 * ends with the browser session, as in the original.
 */
export function sessionCookieOptions(config: Pick<PumpConfig, "key" | "urlPath">): CookieOptions {
  const path = config.urlPath ? `/${config.urlPath.replace(/^\/+|\/+$/g, "")}` : "/";
  return { httpOnly: true, sameSite: "lax", secure: Boolean(config.key), path: path === "/" ? "/" : path };
}

/** The express-session middleware over the bank store, signed with config `secret`. */
export function createSessionMiddleware(
  config: Pick<PumpConfig, "key" | "urlPath" | "secret">,
  store: BankSessionStore,
): RequestHandler {
  // lib/config refuses to start without a secret; a bare test config gets a per-process one.
  const secret = config.secret || randomBytes(32).toString("hex");
  const cookie = sessionCookieOptions(config);
  const middleware = session({
    name: SESSION_COOKIE,
    secret,
    store,
    cookie,
    // No session (and no cookie) until something is stored in it.
    saveUninitialized: false,
    resave: false,
    // Each use pushes the stored expiry forward.
    rolling: false,
    unset: "destroy",
  });
  const prefix = cookie.path === "/" ? "" : (cookie.path ?? "");
  if (!prefix) return middleware;
  // express-session ignores requests whose path is not below the cookie's
  // path; a proxy that strips urlPath sends such paths, though the browser
  // (and its cookie) are below it. Show it the path the browser used.
  return (req, res, next) => {
    const sent = req.originalUrl;
    if (underPrefix(sent, prefix)) return middleware(req, res, next);
    req.originalUrl = `${prefix}${sent}`;
    middleware(req, res, (err?: unknown) => {
      req.originalUrl = sent;
      next(err);
    });
  };
}
