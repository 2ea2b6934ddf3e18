import http from "node:http";
import https from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { PumpConfig } from "../config";
import { openBank, type Bank } from "../databank";
import type { Logger } from "../log";
import { createApp, startAppServices, type AppServices } from "../app";
import { SCHEMA } from "../model/schema";
import { UpgradeRoutes } from "../http/upgrades";
import { createBounceServer } from "./bounce";
import { ConnectionDrainer } from "./drain";
import { dropPrivileges } from "./privileges";
import { RealtimeConnections } from "./realtime";
import { startRealtime } from "../web/realtime";
import { PgBus, type PgNotifier } from "../web/realtime/pg-bus";
import { PluginHost } from "../plugins/host";
import { WorkerMetrics } from "../metrics/worker-metrics";
import type { MetricsSource } from "../metrics/serve";
import { UrlMaker } from "../url-maker";
import { warmUp } from "./warm-up";

/** A running app server: its listening sockets, its bank, and how to stop it. */
export interface RunningWorker {
  server: http.Server | https.Server;
  /** The HTTP -> HTTPS redirector, when `key` and `bounce` are set. */
  bounce: http.Server | null;
  bank: Bank;
  /** Where protocol upgrades (the realtime websocket) are routed by path; any other is refused. */
  upgrades: UpgradeRoutes;
  /** Where long-lived (realtime) connections register their "close with reconnect hint" callback. */
  realtime: RealtimeConnections;
  /** Resolves when the background jobs this worker started (fan-out after a post) have finished: for tests. */
  idle(): Promise<void>;
  /** The port actually bound (differs from config.port when that is 0). */
  port: number;
  /** The bounce port actually bound, or null. */
  bouncePort: number | null;
  /** This worker's Prometheus metrics (the master gathers them from every worker). */
  metrics: WorkerMetrics;
  /**
   * Ordered shutdown: stop accepting, ask realtime connections to reconnect
   * elsewhere, finish in-flight requests (cut after `graceMs`; `Infinity`
   * waits as long as it takes), close the bounce server, close the bank.
   */
  close(graceMs?: number): Promise<void>;
}

/** A startup failure with a message fit for an admin's terminal. */
export class StartupError extends Error {
  constructor(
    message: string,
    /** "listen" when a port could not be bound (the master's abortRestart case). */
    readonly phase: "bank" | "tls" | "listen" | "privileges",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StartupError";
  }
}

/**
 * Opens the bank, builds the app, listens on address:port (and the bounce
 * port), then drops privileges to `serverUser`. Inside a cluster worker the
 * master owns the listening sockets (Node cluster), so a replacement worker
 * binds the same ports while the others keep serving.
 */
export async function startWorker(
  config: Readonly<PumpConfig>,
  log: Logger,
  opts: {
    now?: () => number;
    metricsSource?: MetricsSource;
    /** Answer a few requests privately before listening (lib/cluster/warm-up.ts): cluster workers. */
    warmUp?: boolean;
  } = {},
): Promise<RunningWorker> {
  const tls = config.key ? readTls(config) : null;
  // Plugins first: they may add types to the schema the bank opens with.
  const plugins = PluginHost.load(config.plugins, log);
  let bank: Bank;
  try {
    bank = await openBank({ driver: config.driver, params: config.params, schema: plugins.schema(SCHEMA), log });
  } catch (err) {
    throw new StartupError(`Cannot open the "${config.driver}" database: ${(err as Error).message}`, "bank", { cause: err });
  }
  const metrics = new WorkerMetrics();
  const realtime = new RealtimeConnections();
  const app = createApp(config, { bank, log, now: opts.now, plugins, metrics, metricsSource: opts.metricsSource, realtime });
  let services: AppServices;
  try {
    services = await startAppServices(app);
  } catch (err) {
    await bank.disconnect().catch(() => undefined);
    throw new StartupError(`Cannot start the app's services: ${(err as Error).message}`, "bank", { cause: err });
  }
  const limits = connectionLimits(config);
  // A TLS client that never completes its handshake is held to the headers timeout too.
  const server = tls ? https.createServer({ ...tls, ...limits, handshakeTimeout: config.httpHeadersTimeout }, app) : http.createServer(limits, app);
  const bounce = tls && config.bounce ? createBounceServer({ hostname: config.hostname, httpsPort: config.urlPort }, limits) : null;
  const upgrades = new UpgradeRoutes(server);
  const drainers = [new ConnectionDrainer(server, upgrades), ...(bounce ? [new ConnectionDrainer(bounce)] : [])];
  // WebSocket /main/realtime on this server; its sockets close with a reconnect hint via `realtime`.
  // On PostgreSQL, realtime updates go through the database (LISTEN/NOTIFY), so they reach every machine.
  // `sockjs: false` turns realtime off: no endpoint, so its upgrades get the router's 404.
  if (config.sockjs) {
    const bus = bank.driver === "postgresql" ? new PgBus(bank.raw as unknown as PgNotifier, log.child({ component: "realtime" })) : undefined;
    startRealtime(upgrades, app, { bank, log, connections: realtime, bus });
  }

  if (opts.warmUp) await warmUp(app, new UrlMaker(config).host, log);
  let port: number;
  let bouncePort: number | null = null;
  try {
    port = await listenOrExplain(server, config.port, config.address);
    if (bounce) bouncePort = await listenOrExplain(bounce, config.bouncePort, config.address);
  } catch (err) {
    server.close();
    bounce?.close();
    await services.close().catch(() => undefined);
    await bank.disconnect().catch(() => undefined);
    throw err;
  }
  if (config.serverUser) {
    try {
      const account = dropPrivileges(config.serverUser);
      if (account) log.info({ user: account.name, uid: account.uid, gid: account.gid }, "dropped privileges");
    } catch (err) {
      server.close();
      bounce?.close();
      await services.close().catch(() => undefined);
      await bank.disconnect().catch(() => undefined);
      throw new StartupError((err as Error).message, "privileges", { cause: err });
    }
  }
  log.info({ address: config.address, port, bouncePort, https: Boolean(tls), driver: config.driver }, "listening");

  let closing: Promise<void> | null = null;
  const close = (graceMs = config.workerShutdownTimeout): Promise<void> => {
    closing ??= shutdown(drainers, realtime, services, bank, log, graceMs);
    return closing;
  };
  return { server, bounce, bank, upgrades, realtime, port, bouncePort, metrics, close, idle: () => services.idle() };
}

/**
 * The HTTP connection limits of the config, as Node server options. Node
 * checks the headers and request timeouts only every
 * `connectionsCheckingInterval` (30 s by default, so a connection that
 * never sent a byte lived up to 90 s); checking at a quarter of the headers
 * timeout keeps the overshoot small at no real cost.
 */
export function connectionLimits(config: Readonly<PumpConfig>): http.ServerOptions {
  return {
    keepAliveTimeout: config.httpKeepAliveTimeout,
    headersTimeout: config.httpHeadersTimeout,
    requestTimeout: config.httpRequestTimeout,
    connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.floor(config.httpHeadersTimeout / 4))),
  };
}

function readTls(config: Readonly<PumpConfig>): { key: Buffer; cert: Buffer } {
  try {
    if (!config.cert) throw new Error("`key` is set but `cert` is not");
    return { key: readFileSync(config.key as string), cert: readFileSync(config.cert) };
  } catch (err) {
    throw new StartupError(`Cannot read the TLS key or certificate: ${(err as Error).message}`, "tls", { cause: err });
  }
}

async function listenOrExplain(server: http.Server, port: number, address: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, address, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === "EADDRINUSE" ? "the address is already in use" : e.code === "EACCES" ? "permission denied" : e.message;
    throw new StartupError(`Cannot listen on ${address}:${port}: ${why}`, "listen", { cause: err });
  }
  return (server.address() as AddressInfo).port;
}

async function shutdown(
  drainers: ConnectionDrainer[],
  realtime: RealtimeConnections,
  services: AppServices,
  bank: Bank,
  log: Logger,
  graceMs: number,
): Promise<void> {
  const [main] = drainers;
  log.info({ connections: main.connections, inFlight: main.inFlight, realtime: realtime.size }, "shutting down: no longer accepting connections");
  const drained = Promise.all(drainers.map((d) => d.drain(graceMs)));
  await realtime.closeAll({ reconnectAfterMs: 0, reason: "shutdown" });
  if ((await drained).some(Boolean)) log.warn({ graceMs }, "grace period over: closed the remaining connections");
  await services.close();
  await bank.disconnect();
  log.info("shut down cleanly");
}
