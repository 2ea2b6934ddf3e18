/**
 * Fuzz-style robustness: a few hundred malformed bodies and parameters at
 * the write endpoints and list endpoints. Every answer must be a 4xx with
 * a JSON {error} (never a 5xx), nothing may be stored (stream totals and
 * the touched objects unchanged), no prototype gets polluted, and the
 * server still answers afterwards.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { oauthClient, type Creds } from "../support/oauth-client";
import { addr, pathOf, postNote, startApi, PUBLIC, type ApiFixture, type Method, type TestUser } from "./support";
import {
  BAD_ACTIVITIES, BAD_OBJECTS, BAD_PATHS, BAD_QUERIES, CLIENT_BODIES, FORM_BODIES, POLLUTION_BODIES, PROTOTYPE_NAMED_PARAMS, RAW_BODIES,
  REFUSED_ACTIVITIES, REFUSED_ACTIVITY_CHANGES, REFUSED_OBJECTS, USER_BODIES, type FuzzBody,
} from "./fuzz-cases";

interface Answer {
  status: number;
  type: string;
  text: string;
}

describe("API: malformed input", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let notePath: string;
  let activityPath: string;
  let membersPath: string;
  let snapshot: () => Promise<Record<string, unknown>>;
  let before0: Record<string, unknown>;
  const problems: string[] = [];
  let sent = 0;

  /** Sends a body signed by the real OAuth client (form bodies are signed, others not, as OAuth 1.0a says). */
  function send(creds: Creds | null, method: Method, path: string, body: FuzzBody): Promise<Answer> {
    sent++;
    if (!creds) {
      const [payload, type] =
        "json" in body ? [JSON.stringify(body.json), "application/json"]
        : "raw" in body ? [body.raw, body.type]
        : [new URLSearchParams(body.form).toString(), "application/x-www-form-urlencoded"];
      return api.bare(method, path, { body: payload, headers: { "Content-Type": type } }).then(async (r) => ({
        status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text(),
      }));
    }
    const oa = oauthClient(api.server.url, creds.client);
    const url = api.server.url + path;
    const [payload, type] =
      "json" in body ? [JSON.stringify(body.json), "application/json"]
      : "raw" in body ? [body.raw, body.type]
      : [body.form, undefined];
    return new Promise((resolve, reject) => {
      const done = (err: any, data?: string | Buffer, res?: IncomingMessage): void => {
        if (!res && typeof err?.statusCode !== "number") return reject(err);
        resolve({ status: res?.statusCode ?? err.statusCode, type: String(res?.headers["content-type"] ?? ""), text: String(data ?? err?.data ?? "") });
      };
      const fn = (method === "POST" ? oa.post : oa.put).bind(oa) as (...a: unknown[]) => void;
      fn(url, creds.token?.token ?? null, creds.token?.secret ?? null, payload, type, done);
    });
  }

  function check(what: string, a: Answer): void {
    if (a.status >= 500 || a.status < 400) {
      problems.push(`${what}: ${a.status} ${a.text.slice(0, 160)}`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(a.text);
    } catch {
      parsed = undefined;
    }
    const error = (parsed as { error?: unknown } | undefined)?.error;
    if (!/json/.test(a.type) || typeof error !== "string" || error === "") problems.push(`${what}: ${a.status} without a JSON {error}: ${a.type} ${a.text.slice(0, 100)}`);
  }

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    await api.ok(bob.creds, "POST", "/api/user/bob/following", addr(alice.id));
    const post = await postNote(api, alice, "Original text", { to: [addr(PUBLIC, "collection")] });
    notePath = pathOf(post.object.id);
    activityPath = pathOf(post.id);
    const lists = await api.ok(alice.creds, "GET", "/api/user/alice/lists/person");
    membersPath = pathOf(lists.items.find((l: any) => l.displayName === "Friends").members.url);
    snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const user of [alice, bob]) {
        for (const s of ["feed", "inbox", "inbox/direct", "following", "followers", "favorites", "lists/person"]) {
          const body = await api.ok(user.creds, "GET", `/api/user/${user.nickname}/${s}?count=1`);
          out[`${user.nickname}/${s}`] = [body.totalItems, body.items[0]?.id];
        }
      }
      const note = await api.ok(alice.creds, "GET", notePath);
      out.note = [note.content, note.updated, note.likes.totalItems, note.replies.totalItems, note.shares.totalItems];
      const act = await api.ok(alice.creds, "GET", activityPath);
      out.activity = [act.content, act.updated, act.verb, act.to?.length, act.cc?.length];
      const profile = await api.ok(alice.creds, "GET", "/api/user/alice/profile");
      out.profile = [profile.displayName, profile.summary, profile.updated];
      out.members = (await api.ok(alice.creds, "GET", membersPath)).totalItems;
      out.users = (await api.ok(api.anon, "GET", "/api/users")).totalItems;
      return out;
    };
    before0 = await snapshot();
  });
  after(() => api.close());

  it("refuses every malformed body at the write endpoints with a JSON 4xx", async () => {
    const common = [...RAW_BODIES, ...POLLUTION_BODIES, ...FORM_BODIES];
    const writes: Array<[Method, string, FuzzBody[]]> = [
      ["POST", "/api/user/alice/feed", [...common, ...BAD_ACTIVITIES, ...REFUSED_ACTIVITIES]],
      ["POST", "/api/user/alice/feed/major", [...common, ...BAD_ACTIVITIES, ...REFUSED_ACTIVITIES]],
      ["PUT", activityPath, [...common, ...BAD_ACTIVITIES, ...REFUSED_ACTIVITY_CHANGES]],
      ["POST", "/api/user/alice/following", [...common, ...BAD_OBJECTS, ...REFUSED_OBJECTS]],
      ["POST", "/api/user/alice/favorites", [...common, ...BAD_OBJECTS, ...REFUSED_OBJECTS]],
      ["POST", membersPath, [...common, ...BAD_OBJECTS, ...REFUSED_OBJECTS]],
      ["PUT", notePath, [...common, ...BAD_OBJECTS]],
      ["PUT", "/api/user/alice/profile", [...common, ...BAD_OBJECTS]],
    ];
    for (const [method, path, bodies] of writes) {
      for (const body of bodies) {
        check(`${method} ${path} ${describeBody(body)}`, await send(alice.creds, method, path, body));
      }
    }
    for (const body of [...USER_BODIES, ...RAW_BODIES.slice(0, 8), ...POLLUTION_BODIES.slice(0, 2)]) {
      check(`POST /api/users ${describeBody(body)}`, await send(api.anon, "POST", "/api/users", body));
    }
    for (const body of [...CLIENT_BODIES, ...RAW_BODIES.slice(0, 8), ...POLLUTION_BODIES.slice(0, 2)]) {
      check(`POST /api/client/register ${describeBody(body)}`, await send(null, "POST", "/api/client/register", body));
    }
    assert.deepEqual(problems, []);
    assert.ok(sent >= 300, `a few hundred requests (${sent})`);
  });

  it("refuses bad paging parameters and bad path segments with a JSON 4xx", async () => {
    const lists = ["/api/user/alice/feed", "/api/user/alice/inbox", "/api/user/alice/followers", "/api/user/alice/favorites", "/api/users", `${notePath}/replies`, membersPath];
    for (const list of lists) {
      for (const q of BAD_QUERIES) {
        const res = await api.req(alice.creds, "GET", `${list}?${q}`);
        check(`GET ${list}?${q}`, { status: res.status, type: String(res.headers["content-type"] ?? ""), text: res.text });
      }
    }
    for (const path of BAD_PATHS) {
      const res = await api.req(alice.creds, "GET", path);
      check(`GET ${path}`, { status: res.status, type: String(res.headers["content-type"] ?? ""), text: res.text });
    }
    assert.deepEqual(problems, []);
  });

  it("answers JSON 4xx for parameters named like Object.prototype members", async () => {
    const local: string[] = [];
    for (const { query, body } of PROTOTYPE_NAMED_PARAMS) {
      const a = await send(alice.creds, "POST", `/api/user/alice/feed?${query}`, body);
      if (a.status >= 500 || a.status < 400) local.push(`${query} ${describeBody(body)}: ${a.status} ${a.text.slice(0, 80)}`);
    }
    assert.deepEqual(local, []);
  });

  it("stored nothing, polluted nothing, and still answers", async () => {
    assert.deepEqual(await snapshot(), before0);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
    const ok = await postNote(api, alice, "still alive");
    assert.equal(ok.object.content, "still alive");
    assert.equal((await api.ok(bob.creds, "GET", "/api/user/bob/inbox?count=1")).items[0].id, ok.id);
  });
});

function describeBody(b: FuzzBody): string {
  const s = "json" in b ? JSON.stringify(b.json) : "raw" in b ? `${b.type} ${b.raw}` : `form ${JSON.stringify(b.form)}`;
  return (s ?? "undefined").slice(0, 80);
}
