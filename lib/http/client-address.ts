import type { Request } from "express";

/**
 * The client's address as Express sees it: the peer, or with `trustProxy`
 * the address the trusted proxy reports in X-Forwarded-For.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
