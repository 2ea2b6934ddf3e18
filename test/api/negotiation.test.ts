/**
 * AS1/AS2 content negotiation (api.md §1, activities.md §9), OPTIONS/Allow,
 * HEAD, and route precedence (api.md §3).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC, addr, pathOf, postNote, startApi, type ApiFixture, type TestUser } from "./support";

const AS2_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

describe("API: negotiation, OPTIONS and route order", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let post: any;
  const get = (path: string, accept?: string) => api.req(api.anon, "GET", path, undefined, accept === undefined ? {} : { headers: { Accept: accept } });

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    post = await postNote(api, alice, "Negotiable", { to: [addr(PUBLIC, "collection")] });
  });
  after(() => api.close());

  it("answers AS2 only when an AS2 type is preferred", async () => {
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, false],
      ["*/*", false],
      ["application/json", false], // deliberate: the original said AS2 here; JSON clients are AS1 clients
      ["application/stream+json", false],
      ["application/activity+json", true],
      [AS2_TYPE, true],
      ["application/ld+json", true],
      ['application/ld+json; profile="https://example.org/other"', false],
      ["application/stream+json, application/activity+json;q=0.5", false],
      ["application/stream+json;q=0.5, application/activity+json", true],
      ["application/activity+json, application/stream+json", false], // a tie goes to the native type
      ["application/activity+json;q=0", false],
      ["application/json;q=0.9, application/activity+json", true],
      ["text/html, */*;q=0.1", false],
    ];
    for (const [accept, as2] of cases) {
      const res = await get(pathOf(post.object.id), accept);
      assert.equal(res.status, 200, String(accept));
      if (as2) {
        assert.equal(res.headers["content-type"], AS2_TYPE, String(accept));
        const body = JSON.parse(res.text);
        assert.equal(body["@context"], "https://www.w3.org/ns/activitystreams");
        assert.equal(body.type, "Note");
        assert.equal(body.content, "Negotiable");
        assert.equal(body.attributedTo.id, `${api.server.url}/alice`);
      } else {
        assert.match(String(res.headers["content-type"]), /^application\/json; charset=utf-8$/, String(accept));
        assert.equal(res.body.objectType, "note", String(accept));
      }
      assert.match(String(res.headers.vary), /Accept/);
    }
  });

  it("converts activities, collections and persons", async () => {
    const as2 = { Accept: "application/activity+json" };
    const act = JSON.parse((await api.req(api.anon, "GET", pathOf(post.id), undefined, { headers: as2 })).text);
    assert.equal(act.type, "Create");
    assert.equal(act.object.type, "Note");
    const feed = JSON.parse((await api.req(alice.creds, "GET", "/api/user/alice/feed", undefined, { headers: as2 })).text);
    assert.equal(feed.type, "OrderedCollection");
    assert.equal(feed.totalItems, 6);
    assert.equal(feed.first.orderedItems.length, 6);
    assert.equal(feed.first.orderedItems[0].type, "Create");
    const person = JSON.parse((await api.req(api.anon, "GET", "/api/user/alice/profile", undefined, { headers: as2 })).text);
    assert.equal(person.type, "Person");
    assert.equal(person.id, `${api.server.url}/alice`);
    assert.equal(person.inbox, `${api.server.url}/api/user/alice/inbox`);
    assert.equal(person.outbox, `${api.server.url}/api/user/alice/feed`);
    const empty = JSON.parse((await api.req(api.anon, "GET", "/api/user/alice/followers", undefined, { headers: as2 })).text);
    assert.equal(empty.totalItems, 0);
    assert.equal(empty.first, undefined);
  });

  it("answers writes in AS1 whatever the Accept header", async () => {
    const res = await api.req(alice.creds, "POST", "/api/user/alice/feed", { verb: "post", object: { objectType: "note", content: "w" } }, {
      headers: { Accept: "application/activity+json" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.verb, "post");
    assert.equal(res.body.type, undefined);
  });

  it("answers OPTIONS with 200 and the route's methods in Allow", async () => {
    const cases: Array<[string, string[]]> = [
      ["/api/user/alice", ["GET", "PUT", "DELETE"]],
      ["/api/activity/abc", ["GET", "PUT", "DELETE"]],
      ["/api/note/abc", ["GET", "PUT", "DELETE"]],
      ["/api/users", ["GET", "POST"]],
      ["/api/user/alice/feed", ["GET", "POST"]],
      ["/api/user/alice/inbox", ["GET", "POST"]],
      ["/api/user/alice/inbox/major", ["GET"]],
      ["/api/user/alice/profile", ["GET", "PUT"]],
      ["/api/collection/abc/members", ["GET", "POST"]],
      ["/api/note/abc/likes", ["GET"]],
    ];
    for (const [path, methods] of cases) {
      const res = await api.bare("OPTIONS", path);
      assert.equal(res.status, 200, path);
      const allow = (res.headers.get("allow") ?? "").split(",").map((m) => m.trim());
      // Express adds HEAD wherever GET is defined (and it is answered).
      assert.deepEqual(allow.filter((m) => m !== "HEAD").sort(), [...methods].sort(), path);
      assert.ok(allow.includes("HEAD"), path);
    }
  });

  it("answers HEAD on GET routes", async () => {
    const res = await api.bare("HEAD", "/api/user/alice/feed");
    assert.equal(res.status, 401, "routed and authenticated like GET");
    assert.equal(await res.text(), "");
    assert.equal((await api.bare("HEAD", "/api/a/b/c/d/e")).status, 404);
  });

  it("routes in the original's order", async () => {
    const cases: Array<[string, number, string]> = [
      ["/api/nosuch/abc", 404, "Unknown type: nosuch"],
      ["/api/nosuch?id=x", 404, "Unknown type: nosuch"],
      ["/api/nosuch/likes?id=x", 404, "Unknown type: nosuch"],
      ["/api/user/alice/likes", 404, "Unknown type: user"],
      ["/api/note/abc", 404, "Can't find a note with ID = abc"],
      ["/api/other/abc", 404, "Can't find a other with ID = abc"],
      // The group routes shadow /api/:type/:uuid, the activity route shadows /api/:type/likes.
      ["/api/group/members", 400, "'id' required"],
      ["/api/activity/likes", 404, "Can't find an activity with id likes"],
      ["/api/collection/abc/members", 404, "Can't find a collection with ID = abc"],
    ];
    for (const [path, status, error] of cases) {
      const res = await get(path);
      assert.equal(res.status, status, path);
      assert.deepEqual(res.body, { error }, path);
    }
    const noLists = await get("/api/user/alice/lists");
    assert.equal(noLists.status, 404, "there is no /lists without a type");
  });
});
