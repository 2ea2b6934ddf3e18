import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { Bank } from "../../databank";
import { ForbiddenError, HttpError } from "../../errors";
import { refuseUpgrade, type UpgradeRoutes } from "../../http/upgrades";
import type { Engine, StreamUpdate, Viewer } from "../../activity";
import { ANONYMOUS } from "../../activity";
import type { Logger } from "../../log";
import type { AS } from "../../model/as";
import type { UrlMaker } from "../../url-maker";
import type { RealtimeConnections } from "../../cluster/realtime";
import type { RealtimeBus } from "./bus";
import { CLOSE_SERVICE_RESTART, MAX_MESSAGE_BYTES, parseClientMessage } from "./protocol";
import { socketUserOf, type SocketUser } from "./session-user";
import { SocketRegistry, type LiveSocket } from "./socket-registry";

/** Renders one activity as the stream item HTML the pages use, for that user; null when it cannot. */
export type ItemRenderer = (activity: AS, user: SocketUser) => string | null;

export interface RealtimeDeps {
  bank: Bank;
  engine: Engine;
  urls: UrlMaker;
  /** The session cookie's signing secret (config `secret`). */
  secret: string;
  log: Logger;
  /** The worker's registry of long-lived connections (closed with a reconnect hint on shutdown). */
  connections: RealtimeConnections;
  bus: RealtimeBus;
  renderItem?: ItemRenderer;
}

/** The running realtime endpoint. */
export interface RealtimeService {
  /** The path it answers (`<urlPath>/main/realtime`). */
  path: string;
  readonly sockets: number;
  close(): void;
}

/** How often the server pings idle sockets so dead peers are noticed. */
const PING_EVERY_MS = 30_000;

/**
 * The realtime WebSocket endpoint on the worker's HTTP server (webui.md
 * §6): authenticates with the web session cookie, follows API stream
 * URLs, and pushes each new activity of a followed stream only to sockets
 * whose user (or anonymous) may read it.
 */
export function attachRealtime(upgrades: UpgradeRoutes, deps: RealtimeDeps): RealtimeService {
  const path = `${deps.urls.path}/main/realtime`;
  // Made at the first realtime connection: a worker nobody opens one to
  // (API clients, other servers) does not carry ws (~1 MB of heap).
  let wss: WebSocketServer | null = null;
  const server = (): WebSocketServer =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (wss ??= new (require("ws") as typeof import("ws")).WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES }));
  const registry = new SocketRegistry();
  const log = deps.log.child({ component: "realtime" });
  const origin = `${deps.urls.scheme}://${deps.urls.host}`;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Browsers always send Origin on WebSocket handshakes: a foreign page must not ride our cookie.
    const from = req.headers.origin;
    if (from !== undefined && from !== origin) {
      refuseUpgrade(socket, new ForbiddenError("Realtime connections are only accepted from this site's pages"));
      return;
    }
    socketUserOf(req, deps).then(
      (user) => server().handleUpgrade(req, socket, head, (ws) => open(ws, user)),
      (err: unknown) => {
        log.error({ err }, "cannot read the session of a realtime connection");
        refuseUpgrade(socket, new HttpError(500, "Cannot open a realtime connection now"));
      },
    );
  };
  const removeRoutes = [upgrades.add(path, onUpgrade)];
  // Without urlPath too: a proxy may strip it (lib/http/url-path.ts).
  if (path !== "/main/realtime") removeRoutes.push(upgrades.add("/main/realtime", onUpgrade));

  const open = (ws: WebSocket, user: SocketUser): void => {
    const live: LiveSocket = { ws, user, follows: new Set() };
    registry.add(live);
    let alive = true;
    const unregister = deps.connections.register(
      (hint) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          ws.once("close", () => resolve());
          send(ws, { cmd: "reconnect", afterMs: hint.reconnectAfterMs });
          ws.close(CLOSE_SERVICE_RESTART, "server restart: reconnect");
          // A peer that never answers the close handshake must not hold the shutdown.
          setTimeout(() => ws.terminate(), 2000).unref();
        }),
    );
    const pinger = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_EVERY_MS);
    pinger.unref();
    ws.on("pong", () => (alive = true));
    // A follow is checked against the store: messages are handled one after another so an
    // unfollow never overtakes the follow before it.
    let handled: Promise<void> = Promise.resolve();
    ws.on("message", (data, isBinary) => {
      const m = isBinary ? "Binary frames are not used" : parseClientMessage(data.toString());
      if (typeof m === "string") return send(ws, { cmd: "error", message: m });
      handled = handled.then(async () => {
        if (m.cmd === "unfollow") return registry.unfollow(live, m.url);
        await subscribe(live, m.url).catch((err: unknown) => {
          log.warn({ err, url: m.url }, "cannot check a realtime follow");
          send(ws, { cmd: "error", message: "Cannot follow now", url: m.url });
        });
      });
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      clearInterval(pinger);
      registry.remove(live);
      unregister();
    });
    send(ws, { cmd: "hello", user: user.nickname });
  };

  /**
   * A follow is allowed exactly when GET of the same API stream would
   * answer the socket's user (issue 8): pushes are checked again per
   * activity, but who may even listen to a stream (an inbox, a list's
   * members) is the API's rule too.
   */
  const subscribe = async (live: LiveSocket, url: string): Promise<void> => {
    const path = streamPath(url, deps.urls);
    if (path === null || !(await deps.engine.mayFollowStream(path, viewerOf(deps.engine, live.user)))) {
      return send(live.ws, { cmd: "error", message: "Not authorized", url });
    }
    // Closed while we were checking: registering it now would outlive the socket.
    if (live.ws.readyState !== live.ws.OPEN) return;
    if (!registry.follow(live, url)) return send(live.ws, { cmd: "error", message: "Too many streams followed", url });
    // The ack lets a client (and a test) know updates of this stream now reach it.
    send(live.ws, { cmd: "followed", url });
  };

  // Updates are pushed one after another, so a socket sees them in the order they were written.
  let queue: Promise<void> = Promise.resolve();
  const unsubscribe = deps.bus.subscribe((update) => {
    if (registry.following(update.url).length === 0) return;
    queue = queue.then(() => push(update)).catch((err: unknown) => log.warn({ err, url: update.url }, "realtime push failed"));
  });
  const stopListening = deps.engine.onStreamUpdates((updates) => deps.bus.publishMany(updates));

  /** Sends the update to every follower of its URL that may see it; one read per distinct user. */
  const push = async (update: StreamUpdate): Promise<void> => {
    const targets = registry.following(update.url);
    if (targets.length === 0) return;
    const byUser = new Map<string, LiveSocket[]>();
    for (const t of targets) {
      const key = t.user.nickname ?? "";
      byUser.set(key, [...(byUser.get(key) ?? []), t]);
    }
    for (const sockets of byUser.values()) {
      const user = sockets[0].user;
      const activity = await deps.engine.activityForViewer(update.activityId, viewerOf(deps.engine, user));
      if (!activity) continue;
      const html = deps.renderItem?.(activity, user) ?? undefined;
      for (const s of sockets) send(s.ws, { cmd: "update", url: update.url, activity, html });
    }
  };

  return {
    path,
    get sockets() {
      return registry.size;
    },
    close() {
      stopListening();
      unsubscribe();
      for (const remove of removeRoutes) remove();
      for (const s of registry.sockets()) s.ws.terminate();
      wss?.close();
    },
  };
}

/** The path below urlPath of one of our API URLs (no query), or null for anything else. */
function streamPath(url: string, urls: UrlMaker): string | null {
  const base = `${urls.base}/api/`;
  if (!url.startsWith(base) || /[?#]/.test(url)) return null;
  return url.slice(urls.base.length);
}

function viewerOf(engine: Engine, user: SocketUser): Viewer {
  return user.nickname ? { nickname: user.nickname, personId: engine.personId(user.nickname) } : ANONYMOUS;
}

function send(ws: WebSocket, message: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
