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
import { stripUrlPath } from "./http/url-path";
import { requestLogger } from "./http/request-log";
import { apiNotFound, errorHandler, notFound } from "./http/error-handler";
import { createRenderer, type PageRenderer } from "./http/render";
import { createRouters } from "../routes";
import { createEngine, type Engine } from "./activity";
import { startOAuthServices } from "./oauth/services";
import { createWebAuth, type WebAuth } from "./web/auth";
import { PasswordCheck } from "./model/password-check";
import { FINGERPRINTED_MAX_AGE } from "./web/client-bundle";
import { createEmail, type EmailService } from "./email";
import { UPLOAD_API_PATH, sweepStaleTemp } from "./uploads";
import { createFederation, type Federation } from "./federation";
import { FederationDelivery } from "./federation/delivery";
import { createPeerClient } from "./federation/peer-client";
import type { Resolver } from "./net/address-check";
import { ApDelivery, createActivityPub, type ActivityPub } from "./activitypub";

/** Largest JSON or form body we accept. */
export const BODY_LIMIT = "1mb";

/** What the app needs from the process that hosts it. */
export interface AppDeps {
  bank: Bank;
  log: Logger;
  /** Epoch ms for what expires by the clock (emailed codes); default Date.now. Tests move it. */
  now?: () => number;
  /** Name resolution for server-to-server requests (tests); default the system's. */
  resolver?: Resolver;
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
  /** Web sessions and login (lib/web); API reads accept the session too. */
  web: WebAuth;
  /** The one throttled password check (every form that takes a password). */
  passwords: PasswordCheck;
  /** Confirmation, recovery and notification mail (lib/email); `enabled` only with smtpserver. */
  email: EmailService;
  /** Server-to-server: safe fetcher, discovery, Dialback, remote credentials (lib/federation). */
  federation: Federation;
  /** ActivityPub server-to-server (lib/activitypub). */
  activitypub: ActivityPub;
}

/** Background work of a running app, stopped before the bank is closed. */
export interface AppServices {
  close(): Promise<void>;
}

/**
 * Builds the Express app. It never listens: the worker (lib/cluster) owns
 * the sockets, and tests can mount it on an ephemeral port.
 */
export function createApp(config: Readonly<PumpConfig>, deps: AppDeps): Express {
  const urls = new UrlMaker(config);
  const pages = createRenderer(config.site, undefined, {
    base: urls.base,
    prefix: urls.path,
    owner: config.owner,
    ownerURL: config.ownerURL,
    appendFooter: config.appendFooter,
    scripts: config.scripts,
    disableRegistration: config.disableRegistration,
  });
  const email = createEmail({ config, bank: deps.bank, log: deps.log, urls, now: deps.now });
  const federation = createFederation({ config, bank: deps.bank, urls, log: deps.log, resolver: deps.resolver });
  let apDelivery: ApDelivery | null = null;
  const engine = createEngine({
    bank: deps.bank,
    urls,
    config,
    log: deps.log.child({ component: "activity" }),
    // Remote recipients: one "federate" job each, on the engine's job queue (lib/federation/delivery.ts).
    // ActivityPub recipients get "ap-deliver" jobs, everyone else pump.io's (lib/activitypub/delivery.ts).
    remote: ({ ctx, jobs }) => {
      const pump = new FederationDelivery({ ctx, jobs, peers: createPeerClient({ federation, people: ctx.people, urls }), log: deps.log.child({ component: "federation" }) });
      apDelivery = new ApDelivery({ ctx, jobs, fetcher: federation.fetcher, pump, log: deps.log.child({ component: "activitypub" }) });
      return apDelivery;
    },
    onDelivered: email.enabled ? (d) => email.notifications.notify(d) : undefined,
  });
  const passwords = new PasswordCheck(deps.bank);
  const web = createWebAuth({ config, bank: deps.bank, log: deps.log, passwords });
  const activitypub = createActivityPub({ config, bank: deps.bank, urls, engine, fetcher: federation.fetcher });
  if (apDelivery) activitypub.setDelivery(apDelivery);
  const ctx: RouterContext = { config, bank: deps.bank, log: deps.log, urls, pages, engine, web, passwords, email, federation, activitypub };
  const app = express();

  app.disable("x-powered-by");
  // Only a configured proxy's X-Forwarded-For/-Proto decide req.ip and
  // req.secure (login throttling, PLAINTEXT signatures); anyone can send them.
  app.set("trust proxy", config.trustProxy);
  app.locals.ctx = ctx;

  // Below urlPath, requests are routed without the prefix (lib/http/url-path.ts).
  if (urls.path) app.use(stripUrlPath(urls.path));
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
      origin: urls.origin,
      prefix: urls.path,
    }),
  );

  // Bodies: JSON for the API, form-encoded for OAuth, client registration and
  // web forms. Size limits keep a worker safe from huge bodies (413).
  // JSON uploads ({mimeType, data}) are read by the uploads router, with the upload size limit.
  // The raw body is kept for ActivityPub's Digest check (lib/activitypub/signatures.ts).
  const json = express.json({
    limit: BODY_LIMIT,
    type: ["application/json", "application/*+json"],
    verify: (req, _res, buf) => {
      (req as { rawBody?: Buffer }).rawBody = buf;
    },
  });
  app.use((req, res, next) => (req.method === "POST" && UPLOAD_API_PATH.test(req.path) ? next() : json(req, res, next)));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: false }));

  // Static files (public/): served by the server itself, never from a CDN.
  // public/build/ holds fingerprinted bundles (name changes with content): cached for a year.
  app.use("/build", express.static(join(packageRoot(), "public", "build"), { index: false, maxAge: FINGERPRINTED_MAX_AGE, immutable: true, fallthrough: false }));
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

/**
 * Starts the app's background work, once per worker, before it serves:
 * configured OAuth clients and users, the nonce and session purges, and the
 * deliveries a crash or restart cut short. Stop it with `close()` before closing the bank.
 */
export async function startAppServices(app: Express): Promise<AppServices> {
  const ctx = app.locals.ctx as RouterContext;
  const oauth = await startOAuthServices({
    bank: ctx.bank,
    config: ctx.config,
    urls: ctx.urls,
    log: ctx.log,
    afterRegister: async (user) => {
      await ctx.engine.afterRegister(user);
    },
  });
  if (ctx.config.canUpload) void sweepStaleTemp(join(ctx.config.datadir!, "upload-tmp"));
  const resumed = await ctx.engine.queue.recover();
  if (resumed > 0) ctx.log.info({ jobs: resumed }, "resumed unfinished deliveries");
  const mails = await ctx.email.start();
  if (mails > 0) ctx.log.info({ mails }, "resumed unsent mail");
  ctx.web.store.startCleanup(ctx.config.cleanupSession, (err) => ctx.log.warn({ err }, "session cleanup failed"));
  ctx.passwords.throttle.startCleanup(ctx.config.cleanupSession, (err) => ctx.log.warn({ err }, "password throttle cleanup failed"));
  const dialbackSweep = ctx.federation.startSweeps();
  return {
    async close() {
      dialbackSweep.stop();
      ctx.federation.close();
      oauth.stop();
      ctx.web.store.stopCleanup();
      ctx.passwords.throttle.stopCleanup();
      await ctx.engine.queue.close();
      await ctx.email.close();
    },
  };
}
