import type { IncomingMessage, ServerResponse } from "node:http";

/** How long the unread rest of an answered request's body is still read (and dropped) before the connection is cut. */
export const UNREAD_BODY_LINGER_MS = 5000;

/**
 * For an answer sent before the request's body was read to its end (a 413
 * cut mid-upload, a refusal before the body mattered). Closing at once would
 * make the kernel reset the connection over the unread bytes, and a client
 * still sending then gets EPIPE or ECONNRESET instead of our answer
 * (RFC 9112 §9.6). So the connection stays open: Node reads the rest and
 * drops it, as it does for any unconsumed body; but only for
 * `UNREAD_BODY_LINGER_MS` after the answer, so a client that never stops
 * sending is cut off then.
 */
export function lingerOverUnreadBody(req: IncomingMessage, res: ServerResponse, ms = UNREAD_BODY_LINGER_MS): void {
  if (req.complete) return;
  res.once("finish", () => {
    if (req.complete) return;
    const socket = req.socket;
    const cut = setTimeout(() => socket.destroy(), ms);
    cut.unref();
    const stop = (): void => {
      clearTimeout(cut);
      req.off("end", stop);
      socket.off("close", stop);
    };
    // Once the body has ended the connection may carry the client's next request.
    req.once("end", stop);
    socket.once("close", stop);
  });
}
