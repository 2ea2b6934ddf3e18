import type { Bank } from "../databank";
import { HttpError } from "../errors";
import type { Logger } from "../log";
import type { SafeFetcher, SafeResponse } from "../net/safe-request";
import type { DiscoveryClient } from "./discovery-client";
import { dialbackRequest, principalId, type DialbackPrincipal } from "./dialback";
import { signedRequest, type RemoteCredentials, type SignedRequestOptions } from "./signed-request";

/**
 * Registering this server (or one of its people) as an OAuth client at a
 * remote host, by Dialback, and keeping what it issued (federation.md §5.1,
 * §7; activities.md §12). Credentials are stored in the bank by
 * (remote host, principal) and reused until the remote side refuses them.
 */
export interface CredentialStore {
  /**
   * The consumer key/secret `host` issued to `as` (default: this server as
   * a host). Registers once, by Dialback, when none is stored.
   */
  credentialsFor(host: string, as?: DialbackPrincipal): Promise<RemoteCredentials>;
  /** Forgets them (the remote host answered 401 to a request signed with them). */
  forget(host: string, as?: DialbackPrincipal): Promise<void>;
  /** Forgets and registers again: call once after a 401, then retry once. */
  reregister(host: string, as?: DialbackPrincipal): Promise<RemoteCredentials>;
  /**
   * Sends a 2-legged OAuth request to `url` as `as` with its credentials at
   * the URL's host; when they are refused (credentialsRefused: 401, or 400
   * "Invalid Consumer Key") re-registers once and retries once. The answer
   * is returned whatever its status (callers judge it).
   */
  requestAs(url: string, options?: SignedRequestOptions & { as?: DialbackPrincipal }): Promise<SafeResponse>;
}

/** Registration at a remote host failed. A 502 if it reaches a client. */
export class RegistrationError extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(502, message, { cause });
  }
}

interface StoredCredentials extends RemoteCredentials {
  key: string;
  host: string;
  principal: string;
  created: string;
}

export interface CredentialDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  discovery: DiscoveryClient;
  /** This server's own Dialback host (default principal). */
  ourHost: string;
  log: Logger;
  now?: () => number;
}

/**
 * True when the answer says our consumer key is unknown or refused there:
 * 401 (the original's provider fails its nonce check first for an unknown
 * key), or 400 "Invalid Consumer Key" (ours, and the OAuth library's text).
 */
export function credentialsRefused(res: SafeResponse): boolean {
  return res.status === 401 || (res.status === 400 && res.text().includes("Invalid Consumer Key"));
}

export function createCredentialStore(deps: CredentialDeps): CredentialStore {
  const self: DialbackPrincipal = { host: deps.ourHost };
  // One registration at a time per key in this worker (the original's per-host lock).
  const inFlight = new Map<string, Promise<RemoteCredentials>>();
  const keyOf = (host: string, as: DialbackPrincipal) => `${host.toLowerCase()}/${principalId(as)}`;

  async function register(host: string, as: DialbackPrincipal): Promise<RemoteCredentials> {
    const h = host.toLowerCase();
    const remote = await deps.discovery.ensureHost(h);
    const body = new URLSearchParams({ type: "client_associate", application_type: "web", application_name: principalId(as) }).toString();
    let res: SafeResponse;
    try {
      res = await dialbackRequest({ bank: deps.bank, fetcher: deps.fetcher, now: deps.now }, as, remote.registration_endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body,
      });
    } catch (err) {
      throw new RegistrationError(`Cannot register at ${h}: ${(err as Error).message}`, err);
    }
    if (res.status < 200 || res.status >= 300) throw new RegistrationError(`Registration at ${h} failed: ${res.status} ${res.text().slice(0, 200)}`);
    let reply: unknown;
    try {
      reply = res.json();
    } catch (err) {
      throw new RegistrationError(`Registration at ${h} did not answer JSON`, err);
    }
    const { client_id, client_secret } = (reply ?? {}) as Record<string, unknown>;
    if (typeof client_id !== "string" || typeof client_secret !== "string" || !client_id || !client_secret) {
      throw new RegistrationError(`Registration at ${h} gave no client_id and client_secret`);
    }
    const key = keyOf(h, as);
    await deps.bank.save<StoredCredentials>("credentials", key, { key, host: h, principal: principalId(as), client_id, client_secret, created: new Date((deps.now ?? Date.now)()).toISOString() });
    deps.log.info({ host: h, as: principalId(as) }, "registered at remote host");
    return { client_id, client_secret };
  }

  async function credentialsFor(host: string, as: DialbackPrincipal = self): Promise<RemoteCredentials> {
    const key = keyOf(host, as);
    const stored = await deps.bank.find<StoredCredentials>("credentials", key);
    if (stored) return { client_id: stored.client_id, client_secret: stored.client_secret };
    let p = inFlight.get(key);
    if (!p) {
      p = register(host, as).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
    }
    return p;
  }

  async function forget(host: string, as: DialbackPrincipal = self): Promise<void> {
    const stored = await deps.bank.find("credentials", keyOf(host, as));
    if (stored) await deps.bank.del("credentials", keyOf(host, as)).catch(() => undefined);
  }

  async function reregister(host: string, as: DialbackPrincipal = self): Promise<RemoteCredentials> {
    await forget(host, as);
    return credentialsFor(host, as);
  }

  async function requestAs(url: string, options: SignedRequestOptions & { as?: DialbackPrincipal } = {}): Promise<SafeResponse> {
    const { as = self, ...rest } = options;
    const host = new URL(url).host;
    const first = await signedRequest(deps.fetcher, await credentialsFor(host, as), url, rest);
    if (!credentialsRefused(first)) return first;
    deps.log.info({ host, as: principalId(as) }, "remote host refused our credentials; registering again");
    return signedRequest(deps.fetcher, await reregister(host, as), url, rest);
  }

  return { credentialsFor, forget, reregister, requestAs };
}
