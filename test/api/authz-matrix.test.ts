/**
 * The authorisation matrix (api.md §2, §3; activities.md §6): every stream
 * and object endpoint × {owner, follower, stranger, anonymous 2-legged
 * client, no credentials}, with the expected status of each. Writes run
 * with the owner last, so a refusal is checked before anything changes.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Creds } from "../support/oauth-client";
import { PUBLIC, addr, pathOf, postNote, startApi, type ApiFixture, type Method, type TestUser } from "./support";

type Who = "none" | "anon" | "stranger" | "follower" | "owner";
const ORDER: Who[] = ["none", "anon", "stranger", "follower", "owner"];
/** [none, anon, stranger, follower, owner] */
type Row = [Method, string, [number, number, number, number, number], unknown?];

// Expected statuses by auth level, for an endpoint everyone allowed may use.
const ANY: Row[2] = [401, 200, 200, 200, 200];
const SELF_READ: Row[2] = [401, 400, 401, 401, 200]; // userRead + self: 2-legged lacks a token → 400
const RECIPIENTS: Row[2] = [401, 403, 403, 200, 200]; // followers-only material
const SELF_WRITE: Row[2] = [400, 400, 401, 401, 200]; // userWrite + self: "Not authorized" is 401
const AUTHOR_WRITE: Row[2] = [400, 400, 403, 403, 200]; // userWrite + author/actor: 403

describe("API: authorisation matrix", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const rows: Row[] = [];

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    carol = await api.user("carol");
    await api.ok(bob.creds, "POST", "/api/user/bob/following", addr(alice.id));
    const pub = await postNote(api, alice, "public", { to: [addr(PUBLIC, "collection")] });
    const priv = await postNote(api, alice, "followers only");
    const doomed = await postNote(api, alice, "to be deleted");
    const doomedAct = await postNote(api, alice, "activity to be deleted");
    const lists = await api.ok(alice.creds, "GET", "/api/user/alice/lists/person");
    const friends = pathOf(lists.items.find((l: any) => l.displayName === "Friends").members.url);
    const note = pathOf(priv.object.id);
    const u = "/api/user/alice";

    rows.push(
      ["GET", "/api/user/alice", ANY],
      ["GET", `${u}/profile`, ANY],
      ...["feed", "feed/major", "feed/minor", "followers", "following", "favorites", "lists/person"].map(
        (s): Row => ["GET", `${u}/${s}`, ANY],
      ),
      ...["inbox", "inbox/major", "inbox/minor", "inbox/direct", "inbox/direct/major", "inbox/direct/minor"].map(
        (s): Row => ["GET", `${u}/${s}`, SELF_READ],
      ),
      ["GET", "/api/user/nobody/feed", [401, 404, 404, 404, 404]],
      ["GET", "/api/user/nobody/inbox", [401, 400, 404, 404, 404]],
      ["GET", pathOf(pub.object.id), ANY],
      ["GET", `${pathOf(pub.object.id)}/likes`, ANY],
      ["GET", pathOf(pub.id), ANY],
      ["GET", note, RECIPIENTS],
      ...(["likes", "replies", "shares"] as const).map((f): Row => ["GET", `${note}/${f}`, RECIPIENTS]),
      ["GET", `/api/note?id=${encodeURIComponent(priv.object.id)}`, RECIPIENTS],
      ["GET", `/api/note/replies?id=${encodeURIComponent(priv.object.id)}`, RECIPIENTS],
      ["GET", pathOf(priv.id), RECIPIENTS],
      ["GET", friends, RECIPIENTS],
      ["GET", "/api/note/no-such-note", [401, 404, 404, 404, 404]],
      ["GET", "/api/nosuchtype/x", [404, 404, 404, 404, 404]],
      ["PUT", "/api/nosuchtype/x", [404, 404, 404, 404, 404], { content: "x" }],

      ["POST", `${u}/feed`, SELF_WRITE, { verb: "post", object: { objectType: "note", content: "matrix" } }],
      ["POST", `${u}/feed/major`, SELF_WRITE, { verb: "post", object: { objectType: "note", content: "matrix" } }],
      ["POST", `${u}/feed/minor`, SELF_WRITE, { verb: "post", object: { objectType: "comment", content: "matrix" } }],
      ["POST", `${u}/following`, SELF_WRITE, addr("acct:dave@remote.example")],
      ["POST", `${u}/favorites`, SELF_WRITE, addr(pub.object.id, "note")],
      ["PUT", `${u}/profile`, SELF_WRITE, { summary: "matrix" }],
      ["PUT", note, AUTHOR_WRITE, { content: "edited by the matrix" }],
      ["PUT", pathOf(priv.id), AUTHOR_WRITE, { content: "edited activity" }],
      ["POST", friends, AUTHOR_WRITE, addr(carol.id)],
      ["DELETE", pathOf(doomed.object.id), AUTHOR_WRITE],
      ["DELETE", pathOf(doomedAct.id), AUTHOR_WRITE],
      // After the owner's DELETEs: gone for everyone.
      ["GET", pathOf(doomed.object.id), [401, 410, 410, 410, 410]],
      ["GET", pathOf(doomedAct.id), [401, 410, 410, 410, 410]],
    );
  });
  after(() => api.close());

  function credsOf(who: Who): Creds | null {
    switch (who) {
      case "none": return null;
      case "anon": return api.anon;
      case "stranger": return carol.creds;
      case "follower": return bob.creds;
      case "owner": return alice.creds;
    }
  }

  it("answers each endpoint × principal with the expected status", async () => {
    const failures: string[] = [];
    for (const [method, path, expected, body] of rows) {
      for (const [i, who] of ORDER.entries()) {
        const creds = credsOf(who);
        let status: number;
        let error: unknown;
        if (creds) {
          const res = await api.req(creds, method, path, body);
          status = res.status;
          error = res.body?.error ?? res.text;
        } else {
          const res = await api.bare(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
          status = res.status;
          error = await res.text();
        }
        if (status !== expected[i]) failures.push(`${method} ${path} as ${who}: ${status} (expected ${expected[i]}) ${String(error).slice(0, 100)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(rows.length >= 40, `a full matrix (${rows.length} rows)`);
  });

  it("uses the spec's error texts for the owner checks", async () => {
    const feed = await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=200");
    const priv = feed.items.find((a: any) => a.object.content === "edited by the matrix");
    assert.ok(priv, "the owner's PUT went through");
    const cases: Array<[Creds, Method, string, unknown, string]> = [
      [carol.creds, "GET", "/api/user/alice/inbox", undefined, "Not authorized"],
      [carol.creds, "POST", "/api/user/alice/feed", { verb: "post" }, "Not authorized"],
      [carol.creds, "GET", pathOf(priv.object.id), undefined, "Only the author and recipients can view this object."],
      [carol.creds, "GET", pathOf(priv.id), undefined, "Only the actor and recipients can view this activity."],
      [bob.creds, "PUT", pathOf(priv.object.id), { content: "x" }, "Only the author can modify this object."],
      [bob.creds, "PUT", pathOf(priv.id), { content: "x" }, "Only the actor can modify this object."],
    ];
    for (const [creds, method, path, body, error] of cases) {
      const res = await api.req(creds, method, path, body);
      assert.deepEqual(res.body, { error }, `${method} ${path}`);
    }
    const none = await api.bare("GET", "/api/user/alice/feed");
    assert.deepEqual(await none.json(), { error: "Not logged in." });
    const twoLegged = await api.req(api.anon, "GET", "/api/user/alice/inbox");
    assert.equal(twoLegged.text, "Missing required parameter");
    assert.equal(twoLegged.headers["www-authenticate"], 'OAuth realm="OAuth"');
  });
});
