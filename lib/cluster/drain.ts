import net from "node:net";
import tls from "node:tls";
import type http from "node:http";
import type { Socket } from "node:net";
import type { UpgradeRoutes } from "../http/upgrades";

interface ConnState {
  /** Requests on this connection whose response has not finished. */
  active: number;
  /** When the connection last finished a response (or was opened). */
  idleSince: number;
  /** `socket.bytesRead` at `idleSince`: more means a request is on its way in. */
  bytesAtIdle: number;
  /** Taken over by a protocol upgrade (websocket): no longer HTTP request/response. */
  upgraded: boolean;
}

/**
 * How much longer than the keep-alive timeout it advertises the server
 * keeps an idle connection open (Node's own server does the same): clients
 * stop reusing a connection before the advertised time runs out (Node's
 * agent 1 s, undici 2 s before), so this leaves them seconds of margin.
 */
export const KEEP_ALIVE_BUFFER_MS = 1000;
/** How long upgraded (realtime) connections get to close themselves once asked. */
export const UPGRADED_GRACE_MS = 1000;
const SWEEP_MS = 100;

/**
 * Tracks the connections of one HTTP(S) server so it can be drained without
 * breaking any client that follows the server's keep-alive rules:
 * - once draining, every response carries `Connection: close`, so a
 *   keep-alive client learns from the answer itself not to reuse the socket,
 *   and the server closes it after that answer;
 * - an idle connection is never closed early: a client may send its next
 *   request on it at any moment until the keep-alive timeout the server
 *   advertised (`Keep-Alive: timeout=N`) runs out, and a close crossing that
 *   request on the wire is a reset the client cannot avoid. So an idle
 *   connection is closed only once it has been idle for the advertised
 *   timeout plus KEEP_ALIVE_BUFFER_MS (as outside a drain), and never while
 *   bytes of a request have arrived on it;
 * - upgraded connections are cut UPGRADED_GRACE_MS after the drain starts,
 *   their owners having been asked to close them with a reconnect hint.
 * A drain therefore lasts at most about the keep-alive timeout plus one
 * second, or longer when a request in flight takes longer.
 */
export class ConnectionDrainer {
  private readonly conns = new Map<Socket, ConnState>();
  /** Raw TCP sockets, for HTTPS the ones under the TLS sockets of `conns`. */
  private readonly raw = new Set<Socket>();
  private readonly responses = new Set<http.ServerResponse>();
  private draining = false;
  private drainStartedAt = 0;

  /** `upgrades`: the server's upgrade router, when it takes upgrades (a server without one answers them as plain requests). */
  constructor(
    private readonly server: http.Server,
    upgrades?: UpgradeRoutes,
  ) {
    server.on("connection", (socket: Socket) => {
      this.raw.add(socket);
      socket.once("close", () => this.raw.delete(socket));
    });
    // Requests arrive on the TLS socket for HTTPS, on the TCP socket otherwise.
    server.on(server instanceof tls.Server ? "secureConnection" : "connection", (socket: Socket) => {
      const state: ConnState = { active: 0, idleSince: Date.now(), bytesAtIdle: socket.bytesRead, upgraded: false };
      this.conns.set(socket, state);
      socket.once("close", () => this.conns.delete(socket));
    });
    // Prepended so the header is set before the app can answer synchronously.
    server.prependListener("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const state = this.conns.get(req.socket);
      if (state) state.active += 1;
      this.responses.add(res);
      if (this.draining) res.setHeader("Connection", "close");
      res.once("close", () => {
        this.responses.delete(res);
        if (state) {
          state.active -= 1;
          state.idleSince = Date.now();
          state.bytesAtIdle = req.socket.bytesRead;
        }
      });
    });
    upgrades?.observe((req) => {
      const state = this.conns.get(req.socket);
      if (state) state.upgraded = true;
    });
  }

  /** Open connections right now. */
  get connections(): number {
    return this.raw.size;
  }

  /** Requests being answered right now. */
  get inFlight(): number {
    return this.responses.size;
  }

  /**
   * Stops accepting and resolves once every connection has ended. Without
   * `deadlineMs` it waits as long as that takes (the cluster master enforces
   * its own deadline); with it, whatever is left at the deadline is cut.
   * Resolves `true` when it had to cut connections.
   */
  async drain(deadlineMs?: number): Promise<boolean> {
    this.draining = true;
    this.drainStartedAt = Date.now();
    for (const res of this.responses) {
      if (!res.headersSent) res.setHeader("Connection", "close");
    }
    // net.Server's close, not http.Server's: the latter also closes idle
    // keep-alive sockets at once, racing requests already on their way.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(this.server, () => resolve()));
    const sweep = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweep();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) timer = setTimeout(() => resolve("deadline"), deadlineMs);
    });
    const outcome = await Promise.race([closed.then(() => "closed" as const), deadline]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (outcome === "deadline") {
      for (const socket of [...this.conns.keys(), ...this.raw]) socket.destroy();
      await closed;
      return true;
    }
    return false;
  }

  private sweep(): void {
    const now = Date.now();
    // Node closes an idle kept-alive connection at the same point; this also
    // covers connections that never sent a request (Node leaves those to
    // headersTimeout, which may be much longer).
    const idleLimit = this.server.keepAliveTimeout + KEEP_ALIVE_BUFFER_MS;
    for (const [socket, state] of this.conns) {
      if (state.upgraded) {
        if (now - this.drainStartedAt >= UPGRADED_GRACE_MS) socket.destroy();
      } else if (state.active === 0 && socket.bytesRead === state.bytesAtIdle && now - state.idleSince >= idleLimit) {
        socket.destroy();
      }
    }
  }
}
