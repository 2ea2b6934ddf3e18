/**
 * Shared set-up of the API tests: a real server, one registered client, and
 * small helpers over the real OAuth client of test/support/oauth-client.ts.
 * Registration costs a bcrypt hash (~80 ms) plus six activities, so each
 * file registers few users and reuses them.
 */
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { settle } from "../support/settle";
import {
  clientCreds,
  registerClient,
  registerUser,
  signedRequest,
  userCreds,
  type ClientCreds,
  type Creds,
  type SignOptions,
  type TestResponse,
} from "../support/oauth-client";

export const PASSWORD = "white*rabbit";
export const PUBLIC = "http://activityschema.org/collection/public";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** A registered user and the creds to act as them. */
export interface TestUser {
  nickname: string;
  creds: Creds;
  /** Their person id. */
  id: string;
}

export interface ApiFixture {
  server: TestServer;
  client: ClientCreds;
  /** 2-legged creds of the client (the "anonymous" reader). */
  anon: Creds;
  user(nickname: string): Promise<TestUser>;
  req<T = any>(creds: Creds, method: Method, path: string, body?: unknown, opts?: SignOptions): Promise<TestResponse<T>>;
  /** Like req, but fails the test unless the status is 200; returns the body. */
  ok<T = any>(creds: Creds, method: Method, path: string, body?: unknown, opts?: SignOptions): Promise<T>;
  /** An unsigned request. */
  bare(method: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startApi(flags: string[] = []): Promise<ApiFixture> {
  const server = await startTestServer(flags);
  const client = await registerClient(server.url, { application_name: "API tests" });
  const req = <T = any>(creds: Creds, method: Method, path: string, body?: unknown, opts?: SignOptions) =>
    signedRequest<T>(server.url, creds, method, path, body, opts);
  return {
    server,
    client,
    anon: clientCreds(client),
    async user(nickname) {
      const r = await registerUser(server.url, client, nickname, PASSWORD);
      return { nickname, creds: userCreds(client, r.token), id: r.user.profile.id };
    },
    req,
    async ok(creds, method, path, body, opts) {
      const res = await req(creds, method, path, body, opts);
      assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
      return res.body;
    },
    bare: async (method, path, init = {}) => {
      await settle(server.url);
      return fetch(server.url + path, { ...init, method });
    },
    close: () => server.close(),
  };
}

/** The path of an absolute URL of our server (ids and self links are absolute). */
export function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Posts a note as `user` with the given addressing; returns the activity. */
export async function postNote(api: ApiFixture, user: TestUser, content: string, extra: Record<string, unknown> = {}): Promise<any> {
  return api.ok(user.creds, "POST", `/api/user/${user.nickname}/feed`, {
    verb: "post",
    object: { objectType: "note", content, ...((extra.object as object) ?? {}) },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "object")),
  });
}

/** The ids of a stream's items (first page, up to `count`). */
export async function streamIds(api: ApiFixture, creds: Creds, path: string, count = 200): Promise<{ ids: string[]; total: number }> {
  const sep = path.includes("?") ? "&" : "?";
  const body = await api.ok(creds, "GET", `${path}${sep}count=${count}`);
  return { ids: body.items.map((i: { id: string }) => i.id), total: body.totalItems };
}

/** An address entry. */
export function addr(id: string, objectType = "person"): { id: string; objectType: string } {
  return { id, objectType };
}
