import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, timingSafeEqual } from "node:crypto";
import { Router, type RequestHandler } from "express";
import type { Logger } from "../log";

/** Produces the metrics text (the master's aggregate, or one worker's own numbers). */
export type MetricsSource = () => Promise<{ contentType: string; text: string }>;

/**
 * Whether an Authorization header carries the token (`Bearer <token>`).
 * Compared in constant time over hashes, so neither the token nor its
 * length leaks through timing.
 */
export function hasToken(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

const CHALLENGE = 'Bearer realm="metrics"';

/**
 * GET /metrics on the main port, only when `metricsToken` is set: without
 * the token, 401 (and nothing is collected). Served by whichever worker
 * takes the request, with the whole cluster's numbers.
 */
export function metricsRoute(token: string, source: MetricsSource): Router {
  const router = Router();
  const handler: RequestHandler = (req, res) => {
    if (!hasToken(req.get("authorization"), token)) {
      res.status(401).set("WWW-Authenticate", CHALLENGE).json({ error: "metrics need the metrics token (Authorization: Bearer <metricsToken>)" });
      return;
    }
    source().then(
      ({ contentType, text }) => res.status(200).type(contentType).set("Cache-Control", "no-store").send(text),
      () => res.status(503).json({ error: "metrics are not available right now" }),
    );
  };
  router.get("/metrics", handler);
  return router;
}

/**
 * The master's metrics listener on `metricsPort` (plain HTTP, `address`):
 * GET /metrics, with the token when `metricsToken` is set. Anything else
 * is 404. It belongs to the master, so it answers through rolling restarts.
 */
export async function startMetricsServer(opts: {
  port: number;
  address: string;
  token: string | null;
  source: MetricsSource;
  log: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") return json(404, { error: "not found; metrics are at /metrics" });
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "use GET" }, { Allow: "GET, HEAD" });
    if (opts.token !== null && !hasToken(req.headers.authorization, opts.token)) {
      return json(401, { error: "metrics need the metrics token (Authorization: Bearer <metricsToken>)" }, { "WWW-Authenticate": CHALLENGE });
    }
    opts.source().then(
      ({ contentType, text }) => {
        res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (err: unknown) => {
        opts.log.warn({ err }, "could not collect metrics");
        json(503, { error: "metrics are not available right now" });
      },
    );
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
