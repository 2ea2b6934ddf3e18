import express, { type Express } from "express";
import compression from "compression";
import { join } from "node:path";
import type { PumpConfig } from "./config";
import type { Bank } from "./databank";
import type { Logger } from "./log";
import { UrlMaker } from "./url-maker";
import { packageRoot, packageVersion } from "./version";
import { securityHeaders, serverHeader } from "./http/security";
import { canonicalHost } from "./http/canonical-host";
import { requestLogger } from "./http/request-log";
import { apiNotFound, errorHandler, notFound } from "./http/error-handler";
import { createRenderer, type PageRenderer } from "./http/render";
import { createRouters } from "../routes";
import { createEngine, type Engine } from "./activity";

/** Largest JSON or form body we accept. */
export const BODY_LIMIT = "1mb";

/** What the app needs from the process that hosts it. */
export interface AppDeps {
  bank: Bank;
  log: Logger;
}

/** Everything a router factory receives. */
export interface RouterContext {
  config: Readonly<PumpConfig>;
  bank: Bank;
  log: Logger;
  urls: UrlMaker;
  pages: PageRenderer;
  /** Objects, activities and streams (lib/activity). */
  engine: Engine;
}

/** The app and what its host process must do with it at shutdown. */
export interface AppShutdown {
  /** Stop background work (the delivery queue); call before closing the bank. */
  close(): Promise<void>;
}

/**
 * Builds the Express app. It never listens: the worker (lib/cluster) owns
 * the sockets, and tests can mount it on an ephemeral port.
 */
export function createApp(config: Readonly<PumpConfig>, deps: AppDeps): Express {
  const urls = new UrlMaker(config);
  const pages = createRenderer(config.site);
  const engine = createEngine({ bank: deps.bank, urls, config, log: deps.log.child({ component: "activity" }) });
  const ctx: RouterContext = { config, bank: deps.bank, log: deps.log, urls, pages, engine };
  const app = express();
  // Deliveries cut short by a crash or restart are picked up again.
  engine.queue.recover().then(
    (n) => n > 0 && deps.log.info({ jobs: n }, "resumed unfinished deliveries"),
    (err) => deps.log.error({ err }, "could not resume unfinished deliveries"),
  );
  const shutdown: AppShutdown = { close: () => engine.queue.close() };
  app.locals.shutdown = shutdown;

  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.locals.ctx = ctx;

  app.use(requestLogger(deps.log));
  app.use(serverHeader(packageVersion(), expressVersion()));
  app.use(securityHeaders({ host: urls.host, https: Boolean(config.key), hsts: config.hsts }));
  if (config.compress) app.use(compression());
  app.use(
    canonicalHost({
      redirectToCanonical: config.redirectToCanonical,
      redirectAddressToCanonical: config.redirectAddressToCanonical,
      canonicalHost: urls.host,
      addressHost: `${config.address}:${config.port}`,
      base: urls.base,
    }),
  );

  // Bodies: JSON for the API, form-encoded for OAuth, client registration and
  // web forms. Size limits keep a worker safe from huge bodies (413).
  app.use(express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] }));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: false }));

  // Static files (public/): served by the server itself, never from a CDN.
  app.use(express.static(join(packageRoot(), "public"), { index: false, maxAge: "1h" }));

  for (const router of createRouters(ctx)) app.use(router);

  app.use("/api", apiNotFound());
  app.use(notFound());
  app.use(errorHandler(deps.log, pages));
  return app;
}

function expressVersion(): string {
  return (require("express/package.json") as { version: string }).version;
}
