import express, { type Express, type RequestHandler } from "express";
import { existsSync, readdirSync } from "node:fs";
import compression from "compression";
import { join } from "node:path";
import type { PumpConfig } from "./config";
import type { Bank } from "./databank";
import type { Logger } from "./log";
import { UrlMaker } from "./url-maker";
import { packageRoot, packageVersion } from "./version";
import { securityHeaders, serverHeader } from "./http/security";
import { canonicalHost, redirectsHost, type CanonicalHostOptions } from "./http/canonical-host";
import { stripUrlPath } from "./http/url-path";
import { requestLogger } from "./http/request-log";
import { withFastLane } from "./http/fast-lane";
import { rawWebfinger } from "./http/raw-webfinger";
import { createRefuser, rawProfile } from "./http/raw-profile";
import { oauthErrorResponder } from "./oauth/errors";
import { verifyDeps } from "./oauth/auth";
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
import { createHealthRouter } from "./http/health";
import { waitingJobs } from "./queue/probe";
import { PluginHost } from "./plugins/host";
import type { WorkerMetrics } from "./metrics/worker-metrics";
import { metricsRoute, type MetricsSource } from "./metrics/serve";
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
  /** The worker's plugins (`plugins` config key); none by default. */
  plugins?: PluginHost;
  /** The worker's Prometheus metrics; none by default. */
  metrics?: WorkerMetrics;
  /** The cluster's metrics text, for GET /metrics with `metricsToken` (default: this worker's own). */
  metricsSource?: MetricsSource;
  /** The worker's open realtime connections (for metrics). */
  realtime?: { readonly size: number };
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
  /** Resolves when the background jobs this process started (fan-out) have finished: for tests. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the Express app. It never listens: the worker (lib/cluster) owns
 * the sockets, and tests can mount it on an ephemeral port.
 */
export function createApp(config: Readonly<PumpConfig>, deps: AppDeps): Express {
  const urls = new UrlMaker(config);
  const plugins = deps.plugins ?? PluginHost.none();
  const { metrics } = deps;
  const pages = createRenderer(config.site, undefined, {
    base: urls.base,
    prefix: urls.path,
    owner: config.owner,
    ownerURL: config.ownerURL,
    appendFooter: config.appendFooter,
    scripts: [...config.scripts, ...plugins.scripts()],
    disableRegistration: config.disableRegistration,
    debugClient: config.debugClient,
  });
  const email = createEmail({ config, bank: deps.bank, log: deps.log, urls, now: deps.now, onSendFailure: metrics && (() => metrics.deliveryFailed("mail")) });
  const federation = createFederation({
    config,
    bank: deps.bank,
    urls,
    log: deps.log,
    resolver: deps.resolver,
    objects: () => ({ ensure: (obj) => engine.ctx.objects.ensure(obj), isLocalId: (id) => engine.ctx.people.isLocalId(id) }),
  });
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
    // acct: ids of ActivityPub-only people become actor ids before a local post is processed (lib/activitypub/acct.ts).
    hooks: { ...federation.activityHooks, resolveIds: (act) => activitypub.resolveIds(act) },
    onDistributed: plugins.loaded.length > 0 ? (act, local) => plugins.distributed(act, local) : undefined,
    onDeliveryFailure: metrics && (() => metrics.deliveryFailed("distribute")),
  });
  const passwords = new PasswordCheck(deps.bank);
  const web = createWebAuth({ config, bank: deps.bank, log: deps.log, passwords });
  const activitypub = createActivityPub({
    config,
    bank: deps.bank,
    urls,
    engine,
    fetcher: federation.fetcher,
    webfinger: (id) => federation.discovery.webfinger(id),
    log: deps.log.child({ component: "activitypub" }),
  });
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
  const timing = metrics?.middleware();
  if (timing) app.use(timing);
  // Probes and scrapers come by address, often every few seconds: before the
  // canonical-host redirect, and not in the request log.
  metrics?.setSources({
    queueDepth: () => engine.jobs.depth(),
    parkedJobs: async () => (await engine.jobs.parked()).length,
    mailDepth: email.enabled ? () => email.pending() : undefined,
    realtimeConnections: () => deps.realtime?.size ?? 0,
  });
  const queueProbe = { waiting: () => waitingJobs(deps.bank), parked: () => engine.jobs.parked() };
  app.use(createHealthRouter({ bank: deps.bank, queue: queueProbe, now: deps.now }));
  if (config.metricsToken) app.use(metricsRoute(config.metricsToken, deps.metricsSource ?? ownMetrics(metrics)));
  const canonical: CanonicalHostOptions = {
    redirectToCanonical: config.redirectToCanonical,
    redirectAddressToCanonical: config.redirectAddressToCanonical,
    canonicalHost: urls.host,
    addressHost: `${config.address}:${config.port}`,
    origin: urls.origin,
    prefix: urls.path,
  };
  // The front every answer goes through (the fast lane below too): one instance each.
  const compress = config.compress ? compression() : undefined;
  const front: RequestHandler[] = [
    requestLogger(deps.log),
    serverHeader(packageVersion(), expressVersion()),
    securityHeaders({ host: urls.host, https: Boolean(config.key), hsts: config.hsts }),
    ...(compress ? [compress] : []),
    canonicalHost(canonical),
  ];
  for (const handler of front) app.use(handler);

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
  app.use(staticFiles(join(packageRoot(), "public")));

  const { routers, fastRouters } = createRouters(ctx);
  for (const router of routers) app.use(router);
  // After every built-in route, before the "not found" answers (ops.md §7).
  plugins.initializeApp(app, deps.bank);

  const errors = errorHandler(deps.log, pages);
  app.use("/api", apiNotFound());
  app.use(notFound());
  app.use(errors);

  // Profiles and WebFinger, the most requested documents of other servers
  // and clients: the same front, routers and error handler, without the
  // rest of the stack (lib/http/fast-lane.ts says when that is the same).
  // Below a urlPath every request takes the full stack.
  if (!urls.path) {
    const lane = express();
    lane.disable("x-powered-by");
    lane.set("trust proxy", config.trustProxy);
    lane.locals.ctx = ctx;
    if (timing) lane.use(timing);
    for (const handler of front) lane.use(handler);
    // What the body parsers leave on a request without a body.
    lane.use((req, _res, next) => {
      req.body ??= {};
      next();
    });
    for (const router of fastRouters) lane.use(router);
    lane.use("/api", apiNotFound());
    lane.use(notFound());
    lane.use(errors);
    // WebFinger's common request is answered without Express at all (the same front instances).
    const raw = { timing, front: front.filter((h) => h !== compress), compression: compress, redirects: (host?: string) => redirectsHost(canonical, host), etag: app.get("etag fn") };
    const webfinger = rawWebfinger({ ...raw, bank: deps.bank, urls });
    // So is a 2-legged profile read: the auth middleware's checks, the route's bytes.
    const refuse = createRefuser({ trustProxy: config.trustProxy, timing, front, responders: [oauthErrorResponder(), errors] });
    const profile = rawProfile({ ...raw, verify: verifyDeps(config, deps.bank, urls), profile: (nickname, viewer) => engine.getProfile(nickname, viewer), refuse });
    withFastLane(app, lane, [webfinger, profile]);
  }
  return app;
}

/**
 * public/ as static files. A request whose first path segment names no
 * top-level entry of public/ cannot be one of its files, so it skips the
 * file-system lookup (a stat per request) that express.static would make
 * for every API call and page; public/ is fixed while the server runs.
 */
function staticFiles(dir: string): RequestHandler {
  const serve = express.static(dir, { index: false, maxAge: "1h" });
  const entries = new Set(existsSync(dir) ? readdirSync(dir) : []);
  return (req, res, next) => {
    const first = req.path.split("/", 2)[1] ?? "";
    let name: string;
    try {
      name = decodeURIComponent(first);
    } catch {
      return serve(req, res, next); // a malformed escape: express.static answers it, as before
    }
    // ".." stays with express.static too, which refuses a path leaving public/ (403).
    return entries.has(name) || name.includes("..") ? serve(req, res, next) : next();
  };
}

/** A lone worker's own numbers (outside a cluster, e.g. tests). */
function ownMetrics(metrics: WorkerMetrics | undefined): MetricsSource {
  return async () => {
    if (!metrics) throw new Error("metrics are off");
    return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
  };
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
  const replayPurge = ctx.activitypub.startReplayPurge(ctx.log.child({ component: "activitypub" }));
  return {
    idle: () => ctx.engine.queue.drain(),
    async close() {
      dialbackSweep.stop();
      replayPurge.stop();
      ctx.federation.close();
      oauth.stop();
      ctx.web.store.stopCleanup();
      ctx.passwords.throttle.stopCleanup();
      await ctx.engine.queue.close();
      await ctx.email.close();
    },
  };
}
