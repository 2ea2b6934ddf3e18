/**
 * Compatibility with the original's clients and peers (issue 8, items 7, 11,
 * 15 and 18): PyPump's empty recipient lists, the address cap, AS2 asked for
 * by its ld+json profile type, and the validation the original has. Real
 * HTTP, requests signed by the real OAuth client.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, PUBLIC, addr, pathOf, postNote, startApi, streamIds, type ApiFixture, type TestUser } from "./support";

const AS2_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
/** What PyPump sends with every activity. */
const PYPUMP_EMPTY = { to: [], cc: [], bto: [], bcc: [] };

describe("API: compatibility with the original's clients (issue 8)", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    carol = await api.user("carol");
    await api.ok(bob.creds, "POST", "/api/user/bob/following", addr(alice.id));
  });
  after(() => api.close());

  describe("empty recipient lists (PyPump)", () => {
    let note: any;

    it("give a note its default addressing: the author's followers", async () => {
      note = await postNote(api, alice, "Sent the PyPump way", PYPUMP_EMPTY);
      assert.deepEqual(note.cc.map((a: any) => a.id), [`${api.server.url}/api/user/alice/followers`]);
      assert.ok((await streamIds(api, bob.creds, "/api/user/bob/inbox")).ids.includes(note.id), "the follower gets it");
      assert.equal((await api.req(bob.creds, "GET", pathOf(note.object.id))).status, 200, "and may read it");
      assert.ok(!(await streamIds(api, carol.creds, "/api/user/carol/inbox")).ids.includes(note.id), "a stranger does not");
    });

    it("send a reply to the author of the object replied to", async () => {
      const reply = await api.ok(bob.creds, "POST", "/api/user/bob/feed", {
        verb: "post",
        object: { objectType: "comment", content: "A PyPump reply", inReplyTo: { id: note.object.id, objectType: "note" } },
        ...PYPUMP_EMPTY,
      });
      assert.ok(reply.to.some((a: any) => a.id === alice.id), "the replied-to author is in to");
      assert.ok((await streamIds(api, alice.creds, "/api/user/alice/inbox")).ids.includes(reply.id), "and gets it");
      assert.ok((await streamIds(api, alice.creds, "/api/user/alice/inbox/direct")).ids.includes(reply.id));
    });

    it("are replaced by defaults only when every list is empty", async () => {
      const direct = await postNote(api, alice, "Only to carol", { ...PYPUMP_EMPTY, to: [addr(carol.id)] });
      assert.deepEqual(direct.to.map((a: any) => a.id), [carol.id]);
      assert.deepEqual(direct.cc, []);
      assert.ok(!(await streamIds(api, bob.creds, "/api/user/bob/inbox")).ids.includes(direct.id), "no followers added");
    });
  });

  describe("the address cap", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => addr(`acct:someone${i}@127.0.0.1`));

    it("refuses 101 addresses in one field with a 400 naming the limit, storing nothing", async () => {
      const before = await streamIds(api, alice.creds, "/api/user/alice/feed", 1);
      for (const field of ["to", "cc", "bto", "bcc"]) {
        const res = await api.req(alice.creds, "POST", "/api/user/alice/feed", {
          verb: "post",
          object: { objectType: "note", content: `Too many in ${field}` },
          [field]: many(101),
        });
        assert.equal(res.status, 400, field);
        assert.match(res.body.error, /100/, `${field}: the message names the limit`);
      }
      const afterwards = await streamIds(api, alice.creds, "/api/user/alice/feed", 1);
      assert.equal(afterwards.total, before.total, "nothing stored");
      assert.deepEqual(afterwards.ids, before.ids);
    });

    it("accepts 100 addresses", async () => {
      const ok = await postNote(api, alice, "Exactly at the cap", { cc: [addr(PUBLIC, "collection"), ...many(99)] });
      assert.equal(ok.cc.length, 100);
    });
  });

  describe("AS2 asked for by application/ld+json with the AS profile", () => {
    it("answers AS2 on the profile URL, as application/activity+json does", async () => {
      for (const accept of [AS2_TYPE, "application/activity+json"]) {
        const res = await api.req(api.anon, "GET", "/alice", undefined, { headers: { Accept: accept } });
        assert.equal(res.status, 200, accept);
        assert.equal(res.headers["content-type"], AS2_TYPE, accept);
        const body = JSON.parse(res.text);
        assert.equal(body.type, "Person", accept);
        assert.equal(body.id, `${api.server.url}/alice`, accept);
      }
    });

    it("answers AS2 on the other negotiated routes", async () => {
      const pub = await postNote(api, alice, "Public for AS2", { to: [addr(PUBLIC, "collection")] });
      for (const path of ["/api/user/alice/profile", pathOf(pub.object.id), pathOf(pub.id), "/api/user/alice/feed", "/api/user/alice/followers"]) {
        const res = await api.req(alice.creds, "GET", path, undefined, { headers: { Accept: AS2_TYPE } });
        assert.equal(res.status, 200, path);
        assert.equal(res.headers["content-type"], AS2_TYPE, path);
        assert.equal(JSON.parse(res.text)["@context"], "https://www.w3.org/ns/activitystreams", path);
      }
    });
  });

  describe("validation the original has", () => {
    it("answers 401 to POST /api/users without consumer credentials", async () => {
      const res = await api.bare("POST", "/api/users", {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ nickname: "unsigned", password: PASSWORD }),
      });
      assert.equal(res.status, 401);
      assert.equal(typeof ((await res.json()) as { error: unknown }).error, "string");
      assert.equal((await api.req(api.anon, "GET", "/api/user/unsigned")).status, 404, "no account made");
    });

    it("refuses an activity without an object (400) and stores nothing", async () => {
      const before = await streamIds(api, alice.creds, "/api/user/alice/feed", 1);
      for (const body of [{ verb: "noop" }, { verb: "tag" }, { verb: "noop", ...PYPUMP_EMPTY }]) {
        const res = await api.req(alice.creds, "POST", "/api/user/alice/feed", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(res.body, { error: "Activity has no object" });
      }
      const afterwards = await streamIds(api, alice.creds, "/api/user/alice/feed", 1);
      assert.equal(afterwards.total, before.total);
      assert.deepEqual(afterwards.ids, before.ids);
    });

    it("refuses the well-known weak passwords of the original's list", async () => {
      for (const password of ["rush2112", "RUSH2112", "trustno1", "letmein1", "ncc1701d", "blink182"]) {
        const res = await api.req(api.anon, "POST", "/api/users", { nickname: "weakling", password });
        assert.equal(res.status, 400, password);
        assert.deepEqual(res.body, { error: "Bad password" }, password);
      }
    });

    it("leaves likes.items out until the object is liked", async () => {
      const pub = await postNote(api, alice, "Like me, maybe", { to: [addr(PUBLIC, "collection")] });
      const path = pathOf(pub.object.id);
      const fresh = await api.ok(bob.creds, "GET", path);
      assert.equal(fresh.likes.totalItems, 0);
      assert.equal("items" in fresh.likes, false, "object GET");
      const major = await api.ok(bob.creds, "GET", "/api/user/alice/feed/major");
      const inFeed = major.items.find((a: any) => a.id === pub.id);
      assert.equal("items" in inFeed.object.likes, false, "major feed");
      await api.ok(bob.creds, "POST", "/api/user/bob/favorites", { id: pub.object.id, objectType: "note" });
      const liked = await api.ok(bob.creds, "GET", path);
      assert.deepEqual(liked.likes.items.map((p: any) => p.id), [bob.id]);
    });
  });
});
