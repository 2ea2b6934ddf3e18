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
import { createSpamCheck } from "./spam";
import { createFirehose } from "./firehose";
import type { AS } from "../model/as";
import { createRemoteObjects, type RemoteObjects } from "./remote-objects";
import { createProxies, type Proxies } from "./proxy";
import { createRemoteLogin, type RemoteLogin } from "./remote-login";

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
  /** Remote people and objects fetched from their home servers and cached (newer wins). */
  remoteObjects: RemoteObjects;
  /** /api/proxy/<id> records: local users read remote URLs through us. */
  proxies: Proxies;
  /** Log in with a remote account, and act at its home server with its token (`/main/remote`, `/main/proxy`). */
  remoteLogin: RemoteLogin;
  /** Spam check and firehose ping for the activity engine, as configured (`spamhost`, `firehose`). */
  activityHooks: { checkSpam?(act: AS): Promise<void>; publicLocal?(act: AS): void };
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
  /**
   * The object store remote objects are cached in; a function because the
   * engine that owns it is built after the federation (it takes our hooks).
   */
  objects?: () => { ensure(obj: AS): Promise<AS>; isLocalId(id: string): boolean };
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
  // The spam server and the firehose are the admin's own choice, often on the
  // same machine or network: any address, but never a redirect elsewhere.
  const trusted = createSafeFetcher({ policy: { allows: () => true }, userAgent: `pump.io/${packageVersion()}`, maxRedirects: 0 });
  const c = deps.config;
  const checkSpam = c.spamhost && c.spamclientid && c.spamclientsecret
    ? createSpamCheck({ spamhost: c.spamhost, spamclientid: c.spamclientid, spamclientsecret: c.spamclientsecret }, trusted, log)
    : undefined;
  const firehose = c.firehose ? createFirehose(c.firehose, `pump.io/${packageVersion()}`, trusted, log) : null;
  const verifyDialback = createDialbackVerifier({ bank: deps.bank, fetcher, discovery, urls: deps.urls, log, now: deps.now });
  const remoteObjects = createRemoteObjects({
    discovery,
    credentials,
    ensure: (obj) => {
      if (!deps.objects) throw new Error("no object store given to the federation");
      return deps.objects().ensure(obj);
    },
    isLocal: (id) => deps.objects?.().isLocalId(id) ?? false,
  });
  return {
    fetcher,
    discovery,
    remoteObjects,
    remoteLogin: createRemoteLogin({ bank: deps.bank, fetcher, discovery, credentials, remoteObjects, log }),
    proxies: createProxies({ bank: deps.bank, urls: deps.urls, credentials, ourHost }),
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
    activityHooks: {
      checkSpam,
      publicLocal: firehose ? (act) => void firehose.ping(act) : undefined,
    },
    close: () => {
      fetcher.close();
      trusted.close();
    },
  };
}

export { DialbackRefusal, type VerifiedIdentity } from "./dialback-verify";
export { DiscoveryError, type DiscoveryClient, type HostRecord } from "./discovery-client";
export { RegistrationError, type CredentialStore } from "./credentials";
export { InvalidRemoteObjectError, type RemoteObjects } from "./remote-objects";
export { type DialbackPrincipal } from "./dialback";
export { parseWebfinger, RemoteLoginError, type RemoteLogin, type RemotePrincipal } from "./remote-login";
export { signedRequest, oauthHeader, type RemoteCredentials, type RemoteToken, type SignedRequestOptions } from "./signed-request";
