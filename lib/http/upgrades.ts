import http from "node:http";
import type { Duplex } from "node:stream";
import { HttpError, NotFoundError } from "../errors";

/** Takes over the socket of an upgrade request for one path. */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** How long a refused upgrade's socket may stay open for the client to read the answer and close. */
const REFUSED_LINGER_MS = 2000;

/**
 * The one place that answers a server's `Upgrade` requests. Node hands a
 * request carrying `Upgrade` to the server's `upgrade` listeners, never to
 * the app, as soon as there is one; so every upgrade must be answered here:
 * by the handler registered for its path, or with a 404 JSON error and a
 * close. (Before, an upgrade on any other path than the realtime one was
 * never answered and its socket stayed open.)
 */
export class UpgradeRoutes {
  private readonly routes = new Map<string, UpgradeHandler>();
  private readonly observers: Array<(req: http.IncomingMessage) => void> = [];

  constructor(server: http.Server) {
    server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.dispatch(req, socket, head));
  }

  /** Routes upgrades of `pathname` (exact, query ignored) to `handler`; returns the function that removes it. */
  add(pathname: string, handler: UpgradeHandler): () => void {
    this.routes.set(pathname, handler);
    return () => {
      if (this.routes.get(pathname) === handler) this.routes.delete(pathname);
    };
  }

  /**
   * Calls `observer` with every upgrade request before it is handled (the
   * connection drainer's hook: it must know which connections left HTTP,
   * without adding an `upgrade` listener of its own, which would make Node
   * send upgrades on a server without routes to nobody).
   */
  observe(observer: (req: http.IncomingMessage) => void): void {
    this.observers.push(observer);
  }

  private dispatch(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    for (const observer of this.observers) observer(req);
    const pathname = (req.url ?? "/").split("?")[0];
    const handler = this.routes.get(pathname);
    if (handler) return handler(req, socket, head);
    refuseUpgrade(socket, new NotFoundError("Nothing here accepts a protocol upgrade"));
  }
}

/**
 * Answers an upgrade request with `err` as a JSON error (`{"error": ...}`,
 * as every API error) and closes the connection: the client's remaining
 * bytes are read and dropped, and the socket is cut if the client does not
 * close its side soon after.
 */
export function refuseUpgrade(socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: err.message });
  const head = [
    `HTTP/1.1 ${err.status} ${http.STATUS_CODES[err.status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    ...Object.entries(err.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.on("error", () => undefined);
  socket.resume();
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
  const timer = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}
