import type { Bank } from "../databank";
import { BadRequestError, HttpError, UnauthorizedError } from "../errors";
import type { Logger } from "../log";
import { isPlainObject, type AS } from "../model/as";
import type { SafeFetcher, SafeResponse } from "../net/safe-request";
import type { CredentialStore } from "./credentials";
import type { DiscoveryClient } from "./discovery-client";
import type { RemoteObjects } from "./remote-objects";
import { signedRequest, type RemoteToken } from "./signed-request";

/**
 * "Log in with a remote account" (federation.md §10): this server, as an
 * OAuth 1.0a client registered at the person's home server by Dialback,
 * gets a request token there, sends the browser to authorize it, trades
 * the verifier for an access token, and keeps that token to read and post
 * at the home server for the person (`POST /main/proxy`).
 */
export interface RemoteLogin {
  /** Starts the dance for `user@host`; returns the remote authorize URL to send the browser to. */
  begin(webfinger: string, callbackFor: (hostname: string) => string): Promise<string>;
  /** The callback: exchanges the verifier, reads whoami, stores the token; returns the person. */
  finish(hostname: string, oauthToken: unknown, verifier: unknown): Promise<RemotePrincipal>;
  /** A request at the person's home server signed with their stored token. */
  requestAs(personId: string, url: string, options?: { method?: string; body?: AS }): Promise<SafeResponse>;
  /** The stored record of a remote principal (null when unknown). */
  principal(personId: string): Promise<RemotePrincipal | null>;
}

/** A remote person logged in here, as the session and the pages see them. */
export interface RemotePrincipal {
  id: string;
  hostname: string;
  displayName: string;
  url: string | null;
  outbox: string | null;
  inbox: string | null;
}

interface StoredRequestToken extends RemoteToken {
  hostname: string;
  created: string;
}

interface StoredAccessToken extends RemoteToken, RemotePrincipal {
  created: string;
}

/** The remote host refused us, or answered something unusable. A 502 page. */
export class RemoteLoginError extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(502, message, { cause });
  }
}

export interface RemoteLoginDeps {
  bank: Bank;
  fetcher: SafeFetcher;
  discovery: DiscoveryClient;
  credentials: CredentialStore;
  remoteObjects: RemoteObjects;
  log: Logger;
}

/** `user@host` (or `acct:user@host`), host with an optional port; anything else is a 400. */
export function parseWebfinger(raw: unknown): { webfinger: string; host: string } {
  const s = typeof raw === "string" ? raw.trim().replace(/^acct:/i, "") : "";
  const m = /^([^@\s/:]{1,64})@([a-z0-9.-]{1,253}(?::\d{1,5})?)$/i.exec(s);
  if (!m) throw new BadRequestError("Enter your address as user@host, for example alice@example.com.");
  return { webfinger: `${m[1]}@${m[2].toLowerCase()}`, host: m[2].toLowerCase() };
}

const formOf = (res: SafeResponse): URLSearchParams => new URLSearchParams(res.text());
const FORM = { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/x-www-form-urlencoded, */*" };

export function createRemoteLogin(deps: RemoteLoginDeps): RemoteLogin {
  const { bank, fetcher, discovery, credentials } = deps;
  const now = () => new Date().toISOString();

  return {
    async begin(raw, callbackFor) {
      const { host } = parseWebfinger(raw);
      const remote = await discovery.ensureHost(host);
      const creds = await credentials.credentialsFor(host);
      // In the header, as the original's OAuth client sent them.
      const opts = { method: "POST", headers: FORM, oauthParams: { oauth_callback: callbackFor(host) } };
      let res = await signedRequest(fetcher, creds, remote.request_token_endpoint, opts);
      if (res.status === 401) {
        // Our registration there was forgotten: register once more, as every signed request does.
        res = await signedRequest(fetcher, await credentials.reregister(host), remote.request_token_endpoint, opts);
      }
      if (res.status !== 200) throw new RemoteLoginError(`${host} refused a request token: ${res.status} ${res.text().slice(0, 200)}`);
      const f = formOf(res);
      const token = f.get("oauth_token");
      const secret = f.get("oauth_token_secret");
      if (!token || !secret) throw new RemoteLoginError(`${host} gave no request token`);
      await bank.save<StoredRequestToken>("remote-request-token", token, { token, token_secret: secret, hostname: host, created: now() });
      const auth = new URL(remote.authorization_endpoint);
      auth.searchParams.set("oauth_token", token);
      return auth.href;
    },

    async finish(hostname, oauthToken, verifier) {
      if (typeof oauthToken !== "string" || !oauthToken) throw new BadRequestError("No oauth_token: the other server did not authorize this login.");
      if (typeof verifier !== "string" || !verifier) throw new UnauthorizedError("The other server did not authorize this login.");
      const rt = await bank.find<StoredRequestToken>("remote-request-token", oauthToken);
      if (!rt || rt.hostname !== hostname.toLowerCase()) throw new BadRequestError("Unknown or expired login request; start again.");
      // One use only: a replayed callback finds nothing.
      await bank.del("remote-request-token", oauthToken).catch(() => undefined);
      const remote = await discovery.ensureHost(rt.hostname);
      const creds = await credentials.credentialsFor(rt.hostname);
      const res = await signedRequest(fetcher, creds, remote.access_token_endpoint, {
        method: "POST",
        headers: FORM,
        oauthParams: { oauth_verifier: verifier },
        token: rt,
      });
      if (res.status !== 200) throw new RemoteLoginError(`${rt.hostname} refused the access token: ${res.status}`);
      const f = formOf(res);
      const access: RemoteToken = { token: f.get("oauth_token") ?? "", token_secret: f.get("oauth_token_secret") ?? "" };
      if (!access.token || !access.token_secret) throw new RemoteLoginError(`${rt.hostname} gave no access token`);
      const person = await whoami(rt.hostname, remote.whoami_endpoint, creds, access);
      const links = isPlainObject(person.links) ? (person.links as Record<string, { href?: unknown }>) : {};
      const href = (rel: string): string | null => (typeof links[rel]?.href === "string" ? (links[rel].href as string) : null);
      const rec: StoredAccessToken = {
        ...access,
        id: person.id as string,
        hostname: rt.hostname,
        displayName: typeof person.displayName === "string" && person.displayName ? person.displayName : String(person.preferredUsername ?? person.id),
        url: typeof person.url === "string" ? person.url : null,
        outbox: href("activity-outbox"),
        inbox: href("activity-inbox"),
        created: now(),
      };
      await bank.save<StoredAccessToken>("remote-access-token", rec.id, rec);
      // Cache the person as other remote people are (best effort: the login stands without it).
      await deps.remoteObjects.fetch(rec.id).catch((err) => deps.log.info({ err, id: rec.id }, "could not cache remote person"));
      return principalOf(rec);
    },

    async requestAs(personId, url, options = {}) {
      const rec = await bank.find<StoredAccessToken>("remote-access-token", personId);
      if (!rec) throw new UnauthorizedError("Log in again with your account on the other server.");
      if (new URL(url).host.toLowerCase() !== rec.hostname) throw new BadRequestError("Only your home server can be reached this way.");
      const creds = await credentials.credentialsFor(rec.hostname);
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      return signedRequest(fetcher, creds, url, {
        method: options.method ?? "GET",
        headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body,
        token: rec,
      });
    },

    async principal(personId) {
      const rec = await bank.find<StoredAccessToken>("remote-access-token", personId);
      return rec ? principalOf(rec) : null;
    },
  };

  /** GET whoami (a redirect to the profile), then the profile, both signed with the new token. */
  async function whoami(host: string, endpoint: string, creds: Awaited<ReturnType<CredentialStore["credentialsFor"]>>, token: RemoteToken): Promise<AS> {
    let url = endpoint;
    for (let hops = 0; hops < 3; hops++) {
      const res = await signedRequest(fetcher, creds, url, { headers: { Accept: "application/json" }, token });
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && typeof location === "string") {
        url = new URL(location, url).href;
        if (new URL(url).host.toLowerCase() !== host) throw new RemoteLoginError(`${host} sent whoami elsewhere`);
        continue;
      }
      if (res.status !== 200) throw new RemoteLoginError(`${host} whoami answered ${res.status}`);
      let person: unknown;
      try {
        person = res.json();
      } catch (err) {
        throw new RemoteLoginError(`${host} whoami is not JSON`, err);
      }
      if (!isPlainObject(person) || typeof person.id !== "string" || person.objectType !== "person") throw new RemoteLoginError(`${host} whoami is not a person`);
      return person as AS;
    }
    throw new RemoteLoginError(`${host} whoami redirects too often`);
  }
}

function principalOf(rec: StoredAccessToken): RemotePrincipal {
  return { id: rec.id, hostname: rec.hostname, displayName: rec.displayName, url: rec.url, outbox: rec.outbox, inbox: rec.inbox };
}

