import type { Request } from "express";
import type { PumpConfig } from "../config";
import type { Bank } from "../databank";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import { packageVersion } from "../version";
import { createAddressPolicy, type Resolver } from "../net/address-check";
import { createSafeFetcher, type SafeFetcher } from "../net/safe-request";
import { createDiscoveryClient, type DiscoveryClient } from "./discovery-client";
import { createDialbackVerifier, type VerifiedIdentity } from "./dialback-verify";
import { createCredentialStore, type CredentialStore } from "./credentials";
import { ourDialbackHost } from "./dialback";
import { sweepDialback } from "./dialback-store";

/**
 * The pump.io federation services of one app (federation.md): the safe
 * fetcher every server-to-server request goes through, discovery, Dialback
 * verification and the credentials this server holds at other hosts.
 *
 * Stable API for the delivery and inbox code:
 * - `fetcher.request(url, opts)`: any outgoing request (lib/net/safe-request.ts).
 * - `discovery.webfinger(id)`, `.hostMeta(host)`, `.ensureHost(host)`.
 * - `credentials.credentialsFor(host, as?)`, `.reregister(host, as?)`,
 *   `.requestAs(url, {method, headers, body, as})`: 2-legged OAuth with our
 *   credentials at the URL's host, re-registering once on 401.
 *   `as` is `{host}` (this server, the default) or `{webfinger: "nick@host"}`.
 * - `verifyDialback(req)`: the inbound check on /api/client/register.
 */
export interface Federation {
  fetcher: SafeFetcher;
  discovery: DiscoveryClient;
  credentials: CredentialStore;
  verifyDialback(req: Request): Promise<VerifiedIdentity>;
  /** This server's Dialback host (`hostname`, or `hostname:port` on other ports). */
  ourHost: string;
  /** Starts the periodic purge of old Dialback records; returns its stopper. */
  startSweeps(): { stop(): void };
  /** Closes kept-alive connections to peers. */
  close(): void;
}

export interface FederationDeps {
  config: Readonly<PumpConfig>;
  bank: Bank;
  urls: UrlMaker;
  log: Logger;
  /** Name resolution for outgoing requests (tests); default the system's. */
  resolver?: Resolver;
  now?: () => number;
}

export function createFederation(deps: FederationDeps): Federation {
  const log = deps.log.child({ component: "federation" });
  const fetcher = createSafeFetcher({
    policy: createAddressPolicy(deps.config.federationAllowedAddresses),
    resolver: deps.resolver,
    userAgent: `pump.io/${packageVersion()}`,
  });
  const discovery = createDiscoveryClient({ bank: deps.bank, fetcher, log, now: deps.now });
  const ourHost = ourDialbackHost(deps.urls);
  const credentials = createCredentialStore({ bank: deps.bank, fetcher, discovery, ourHost, log, now: deps.now });
  const verifyDialback = createDialbackVerifier({ bank: deps.bank, fetcher, discovery, urls: deps.urls, log, now: deps.now });
  return {
    fetcher,
    discovery,
    credentials,
    verifyDialback,
    ourHost,
    startSweeps() {
      const timer = setInterval(() => {
        sweepDialback(deps.bank).catch((err) => log.warn({ err }, "dialback sweep failed"));
      }, 60_000);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
    close: () => fetcher.close(),
  };
}

export { DialbackRefusal, type VerifiedIdentity } from "./dialback-verify";
export { DiscoveryError, type DiscoveryClient, type HostRecord } from "./discovery-client";
export { RegistrationError, type CredentialStore } from "./credentials";
export { type DialbackPrincipal } from "./dialback";
export { signedRequest, oauthHeader, type RemoteCredentials, type RemoteToken, type SignedRequestOptions } from "./signed-request";
