import type { ErrorRequestHandler, Response } from "express";
import { HttpError } from "../errors";

/** Header sent with every OAuth 1.0a refusal (oauth.md §6). */
export const OAUTH_CHALLENGE = 'OAuth realm="OAuth"';

/**
 * A refusal of an OAuth 1.0a request. Unlike other HttpErrors these are
 * answered as `text/plain` with a `WWW-Authenticate` challenge, wherever
 * they happen (the original's auth library wrote them itself).
 */
export class OAuthError extends HttpError {
  constructor(status: 400 | 401 | 403, message: string, options: { cause?: unknown } = {}) {
    super(status, message, { ...options, headers: { "WWW-Authenticate": OAUTH_CHALLENGE } });
  }
}

/**
 * A PLAINTEXT-signed request that did not come over TLS (RFC 5849 §3.4.4:
 * PLAINTEXT sends the secrets themselves). New, so it is answered like our
 * other new refusals, as JSON `{"error": ...}` naming the reason.
 */
export class PlaintextNeedsTlsError extends HttpError {
  constructor() {
    super(401, "PLAINTEXT signatures are only accepted over HTTPS (RFC 5849 §3.4.4); use HMAC-SHA1, or connect with https://", {
      headers: { "WWW-Authenticate": OAUTH_CHALLENGE },
    });
  }
}

/** The texts of the original's OAuth refusals, kept so clients that match on them keep working. */
export const OAuthMessages = {
  missing: "Missing required parameter",
  method: "Invalid Signature Method",
  consumer: "Invalid Consumer Key",
  signature: "Invalid signature",
  token: "Invalid / expired Token",
  nonce: "Invalid / used nonce",
  timestamp: "Timestamp is too far from the server's time",
  verifier: "Invalid verifier",
  callback: "Invalid oauth_callback: must be 'oob' or an absolute http(s) URL",
  tokenNotAllowed: "This endpoint takes client-signed (2-legged) requests only",
} as const;

/** Writes an OAuthError as the plain-text answer OAuth clients expect. */
export function sendOAuthError(res: Response, err: OAuthError): void {
  res.status(err.status).set(err.headers).type("text/plain").send(err.message);
}

/** Answers a refusal of the signature check (OAuthError as text, PLAINTEXT without TLS as JSON); false for any other error. */
export function sendSignatureRefusal(res: Response, err: unknown): boolean {
  if (res.headersSent) return false;
  if (err instanceof OAuthError) sendOAuthError(res, err);
  else if (err instanceof PlaintextNeedsTlsError) res.status(err.status).set(err.headers).json({ error: err.message });
  else return false;
  return true;
}

/**
 * Error middleware for routers whose OAuth refusals must be plain text;
 * every other error goes on to the app's error handler.
 */
export function oauthErrorResponder(): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!sendSignatureRefusal(res, err)) next(err);
  };
}
