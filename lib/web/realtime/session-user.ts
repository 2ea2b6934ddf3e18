import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Bank } from "../../databank";
import { findUser } from "../../model/user";
import { SESSION_COOKIE } from "../session";
import { BankSessionStore } from "../session-store";

/** Who a realtime connection belongs to: a local user (with the session's CSRF token) or nobody. */
export interface SocketUser {
  nickname: string | null;
  /** The session's CSRF token, so pushed item HTML carries working forms. */
  csrf: string | null;
}

export const ANONYMOUS_SOCKET: SocketUser = Object.freeze({ nickname: null, csrf: null });

/** One cookie's raw value from a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    try {
      return decodeURIComponent(v);
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The session id from an express-session cookie value (`s:<sid>.<mac>`,
 * HMAC-SHA256 with the site secret, base64 without padding), or null
 * when the signature does not match.
 */
export function unsignSessionId(value: string, secret: string): string | null {
  if (!value.startsWith("s:")) return null;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const sid = signed.slice(0, dot);
  const expected = Buffer.from(createHmac("sha256", secret).update(sid).digest("base64").replace(/=+$/, ""));
  const given = Buffer.from(signed.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? sid : null;
}

/**
 * Reads the web session of an HTTP upgrade request the way the web UI's
 * session middleware does (same cookie, same secret, same bank store),
 * and returns its logged-in user. Any doubt (no cookie, bad signature,
 * expired session, deleted account) means anonymous.
 */
export async function socketUserOf(req: IncomingMessage, deps: { bank: Bank; secret: string }): Promise<SocketUser> {
  const raw = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!raw || !deps.secret) return ANONYMOUS_SOCKET;
  const sid = unsignSessionId(raw, deps.secret);
  if (!sid) return ANONYMOUS_SOCKET;
  const data = await new BankSessionStore(deps.bank).readSession(sid);
  const nickname = data?.passport?.user;
  if (typeof nickname !== "string" || !(await findUser(deps.bank, nickname))) return ANONYMOUS_SOCKET;
  return { nickname, csrf: typeof data?.csrfToken === "string" ? data.csrfToken : null };
}
