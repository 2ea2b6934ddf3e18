// Helpers of the federation e2e tests: real bin/pump masters on distinct
// loopback addresses (127.0.0.x: separate hosts, data files and control
// sockets), with the loopback range allowed for federation in their config.
import assert from "node:assert/strict";
import { startCluster, tempDir, type Cluster } from "../cluster/support";
import { freePort } from "../support/server";
import { registerClient, registerUser, signedRequest, userCreds, type ClientCreds, type Creds, type TestResponse } from "../support/oauth-client";

export const PASSWORD = "white*rabbit9";

/** One federating server: its master process, base URL and host. */
export interface Peer {
  cluster: Cluster;
  dir: string;
  /** e.g. 127.0.0.3:40123 (ids of its people carry it) */
  host: string;
  url: string;
  client: ClientCreds;
  config: Record<string, unknown>;
}

/** A user of one peer with the creds to act as them. */
export interface PeerUser {
  nickname: string;
  peer: Peer;
  creds: Creds;
  /** person id as its server gives it (a profile URL: ports are not 80/443) */
  id: string;
  /** acct:nick@host:port */
  acct: string;
}

/** Starts bin/pump on 127.0.0.<n>, allowed to federate with loopback addresses. */
export async function startPeer(n: number, extra: Record<string, unknown> = {}, dir = tempDir(`pump-fed-${n}-`)): Promise<Peer> {
  const address = `127.0.0.${n}`;
  const port = (extra.port as number | undefined) ?? (await freePort());
  const config = { hostname: address, address, port, children: 1, federationAllowedAddresses: ["127.0.0.0/8"], ...extra };
  const cluster = await startCluster({ dir, config });
  const url = `http://${address}:${port}`;
  const client = await registerClient(url, { application_name: `fed test ${n}` });
  return { cluster, dir, host: `${address}:${port}`, url, client, config };
}

/** Starts a stopped peer again on the same address, port, data and socket. */
export async function restartPeer(p: Peer): Promise<Peer> {
  const cluster = await startCluster({ dir: p.dir, config: p.config });
  return { ...p, cluster };
}

export async function user(peer: Peer, nickname: string): Promise<PeerUser> {
  const r = await registerUser(peer.url, peer.client, nickname, PASSWORD);
  return { nickname, peer, creds: userCreds(peer.client, r.token), id: r.user.profile.id, acct: `acct:${nickname}@${peer.host}` };
}

export async function call<T = any>(u: PeerUser, method: "GET" | "POST", path: string, body?: unknown): Promise<TestResponse<T>> {
  return signedRequest<T>(u.peer.url, u.creds, method, path, body);
}

/** POSTs an activity to the user's outbox; fails the test unless 200. */
export async function post(u: PeerUser, act: Record<string, unknown>): Promise<any> {
  const res = await call(u, "POST", `/api/user/${u.nickname}/feed`, act);
  assert.equal(res.status, 200, `${u.nickname} posts ${JSON.stringify(act).slice(0, 120)}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Reads a feed as `u` (full path below the peer's base). */
export async function items(u: PeerUser, path: string): Promise<any[]> {
  const res = await call(u, "GET", path);
  assert.equal(res.status, 200, `GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body.items as any[];
}

/**
 * Polls until `check` returns a value (not undefined), with a generous
 * overall deadline: deliveries are background jobs, retried with backoff.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The ids of the items of a user's stream (`inbox`, `followers`…), up to 200. */
export async function ids(u: PeerUser, stream: string): Promise<string[]> {
  return (await items(u, `/api/user/${u.nickname}/${stream}?count=200`)).map((i) => i.id as string);
}

export const pathOf = (url: string): string => new URL(url).pathname + new URL(url).search;
export const PUBLIC = { id: "http://activityschema.org/collection/public", objectType: "collection" };
