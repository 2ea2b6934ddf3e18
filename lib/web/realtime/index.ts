import cluster from "node:cluster";
import type { Express } from "express";
import type { Bank } from "../../databank";
import type { Logger } from "../../log";
import type { RouterContext } from "../../app";
import type { UpgradeRoutes } from "../../http/upgrades";
import type { RealtimeConnections } from "../../cluster/realtime";
import { InProcessBus, IpcBus, type RealtimeBus } from "./bus";
import { attachRealtime, type ItemRenderer, type RealtimeService } from "./server";

export { attachRealtime, type RealtimeService, type ItemRenderer } from "./server";
export { InProcessBus, IpcBus, type RealtimeBus } from "./bus";

/**
 * Starts the realtime endpoint on a worker's HTTP server, over the app's
 * engine and page templates. Inside a cluster worker updates travel
 * through the master (IPC bus); alone, they stay in this process.
 */
export function startRealtime(
  upgrades: UpgradeRoutes,
  app: Express,
  deps: { bank: Bank; log: Logger; connections: RealtimeConnections; bus?: RealtimeBus },
): RealtimeService {
  const ctx = app.locals.ctx as RouterContext;
  const bus = deps.bus ?? (cluster.isWorker ? new IpcBus(process) : new InProcessBus());
  const service = attachRealtime(upgrades, {
    bank: deps.bank,
    engine: ctx.engine,
    urls: ctx.urls,
    secret: ctx.config.secret ?? "",
    log: deps.log,
    connections: deps.connections,
    bus,
    renderItem: itemRenderer(ctx, deps.log),
  });
  return {
    path: service.path,
    get sockets() {
      return service.sockets;
    },
    close() {
      service.close();
      bus.close();
    },
  };
}

/** Renders a pushed activity with the pages' own stream-item template (views/partials/activity.eta). */
function itemRenderer(ctx: RouterContext, log: Logger): ItemRenderer {
  return (act, user) => {
    try {
      const viewer = user.nickname ? { nickname: user.nickname, personId: ctx.engine.personId(user.nickname) } : null;
      return ctx.pages.render("partials/activity", { act, viewer, csrf: user.csrf, returnTo: "/" });
    } catch (err) {
      // The client falls back to re-reading the page for the item.
      log.debug({ err }, "cannot render a realtime item");
      return null;
    }
  };
}
