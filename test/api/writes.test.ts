/**
 * The write endpoints other than plain posting: the feed/major|minor guards,
 * activity PUT/DELETE, lists and their members, profile PUT, groups,
 * foreign ids, and remote delivery's auth.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC, addr, pathOf, postNote, startApi, streamIds, type ApiFixture, type TestUser } from "./support";

describe("API: writes", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
  });
  after(() => api.close());

  it("takes concurrent first posts to the public (which all create the public collection)", async () => {
    const before = await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=0");
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.req(alice.creds, "POST", "/api/user/alice/feed", { verb: "post", to: [addr(PUBLIC, "collection")], object: { objectType: "note", content: `race ${i}` } }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(8).fill(200), answers.map((a) => a.text.slice(0, 100)).join("\n"));
    assert.equal((await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=0")).totalItems, before.totalItems + 8);
  });

  it("guards feed/major and feed/minor, storing nothing on refusal", async () => {
    const before = await streamIds(api, alice.creds, "/api/user/alice/feed");
    const minorToMajor = await api.req(alice.creds, "POST", "/api/user/alice/feed/major", { verb: "follow", object: addr(bob.id) });
    assert.equal(minorToMajor.status, 400);
    assert.deepEqual(minorToMajor.body, { error: "Only major activities to this feed." });
    const majorToMinor = await api.req(alice.creds, "POST", "/api/user/alice/feed/minor", { verb: "post", object: { objectType: "note", content: "x" } });
    assert.equal(majorToMinor.status, 400);
    assert.deepEqual(majorToMinor.body, { error: "Only minor activities to this feed." });
    assert.deepEqual(await streamIds(api, alice.creds, "/api/user/alice/feed"), before);
    assert.equal((await api.ok(alice.creds, "GET", "/api/user/alice/following")).totalItems, 0, "the refused follow left no edge");

    const major = await api.ok(alice.creds, "POST", "/api/user/alice/feed/major", { verb: "post", object: { objectType: "note", content: "major" } });
    const minor = await api.ok(alice.creds, "POST", "/api/user/alice/feed/minor", { verb: "post", object: { objectType: "comment", content: "minor" } });
    assert.equal((await streamIds(api, alice.creds, "/api/user/alice/feed/major", 1)).ids[0], major.id);
    assert.equal((await streamIds(api, alice.creds, "/api/user/alice/feed/minor", 1)).ids[0], minor.id);
  });

  it("refuses to post as someone else", async () => {
    const other = await api.req(bob.creds, "POST", "/api/user/alice/feed", { verb: "post", object: { objectType: "note", content: "x" } });
    assert.equal(other.status, 401);
    assert.deepEqual(other.body, { error: "Not authorized" });
    const actor = await api.req(bob.creds, "POST", "/api/user/bob/feed", { actor: addr(alice.id), verb: "post", object: { objectType: "note", content: "x" } });
    assert.equal(actor.status, 400);
    assert.deepEqual(actor.body, { error: "Invalid actor" });
    const unknown = await api.req(bob.creds, "POST", "/api/user/nobody/feed", { verb: "post", object: { objectType: "note" } });
    assert.equal(unknown.status, 404);
  });

  it("lets the actor change and efface an activity (which stays in streams)", async () => {
    const act = await postNote(api, alice, "Editable", { to: [addr(PUBLIC, "collection")] });
    const path = pathOf(act.id);
    const refused = await api.req(bob.creds, "PUT", path, { content: "bob was here" });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { error: "Only the actor can modify this object." });
    const changed = await api.ok(alice.creds, "PUT", path, { content: "alice changed the text", verb: "delete" });
    assert.equal(changed.content, "alice changed the text");
    assert.equal(changed.verb, "post", "verb can't change");
    assert.equal((await api.ok(api.anon, "GET", path)).content, "alice changed the text");
    assert.equal((await api.req(bob.creds, "DELETE", path)).status, 403);
    const del = await api.req(alice.creds, "DELETE", path);
    assert.equal(del.status, 200);
    assert.equal(del.body, "Deleted");
    const gone = await api.req(api.anon, "GET", path);
    assert.equal(gone.status, 410);
    assert.deepEqual(gone.body, { error: "Deleted" });
    assert.equal((await streamIds(api, alice.creds, "/api/user/alice/feed", 1)).ids[0], act.id);
    const missing = await api.req(api.anon, "GET", "/api/activity/no-such-activity");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: "Can't find an activity with id no-such-activity" });
  });

  it("adds members to a list, author only, and lets members read list-addressed posts", async () => {
    const lists = await api.ok(alice.creds, "GET", "/api/user/alice/lists/person");
    const friends = lists.items.find((l: any) => l.displayName === "Friends");
    assert.ok(friends);
    const membersPath = pathOf(friends.members.url);
    assert.match(membersPath, /^\/api\/collection\/[^/]+\/members$/);
    const refused = await api.req(bob.creds, "POST", membersPath, addr(bob.id));
    assert.equal(refused.status, 403);
    const added = await api.ok(alice.creds, "POST", membersPath, addr(bob.id));
    assert.equal(added.id, bob.id);
    const members = await api.ok(alice.creds, "GET", membersPath);
    assert.equal(members.totalItems, 1);
    assert.equal(members.items[0].id, bob.id);
    assert.equal(members.displayName, "Members of Friends by alice");
    const wrongType = await api.req(alice.creds, "POST", membersPath, { objectType: "note", content: "not a person" });
    assert.equal(wrongType.status, 400);
    assert.equal((await api.ok(alice.creds, "GET", membersPath)).totalItems, 1);

    const forFriends = await postNote(api, alice, "Friends only", { to: [addr(friends.id, "collection")] });
    assert.equal((await api.req(bob.creds, "GET", pathOf(forFriends.object.id))).status, 200);
    assert.equal((await streamIds(api, bob.creds, "/api/user/bob/inbox", 1)).ids[0], forFriends.id);
    const unknownList = await api.req(alice.creds, "GET", "/api/collection/nope/members");
    assert.equal(unknownList.status, 404);
  });

  it("updates the profile through PUT /profile (self only)", async () => {
    const refused = await api.req(bob.creds, "PUT", "/api/user/alice/profile", { displayName: "Mallory" });
    assert.equal(refused.status, 401);
    const person = await api.ok(alice.creds, "PUT", "/api/user/alice/profile", { displayName: "Alice Liddell", summary: "<b>curious</b><script>x()</script>" });
    assert.equal(person.displayName, "Alice Liddell");
    assert.equal(person.summary, "<b>curious</b>");
    assert.equal(person.id, alice.id);
    const feed = await api.ok(api.anon, "GET", "/api/user/alice/feed?count=1");
    assert.equal(feed.displayName, "Activities by Alice Liddell");
    assert.equal((await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=1")).items[0].verb, "update");
    assert.equal((await api.ok(api.anon, "GET", "/api/user/alice")).profile.displayName, "Alice Liddell");
    const bad = await api.req(alice.creds, "PUT", "/api/user/alice/profile", { id: "http://evil.example/x", displayName: 5 });
    assert.equal(bad.status, 400);
  });

  it("serves a group's members, documents and inbox, by uuid and by ?id=", async () => {
    const made = await postNote(api, alice, "", {
      verb: "create",
      object: { objectType: "group", displayName: "Readers", content: "A group" },
      to: [addr(PUBLIC, "collection")],
    });
    const group = made.object;
    assert.equal(group.objectType, "group");
    const uuidPath = pathOf(group.members.url);
    assert.match(uuidPath, /^\/api\/group\/[^/]+\/members$/);
    const joined = await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "join", object: addr(group.id, "group") });
    assert.equal(joined.verb, "join");
    const again = await api.req(bob.creds, "POST", "/api/user/bob/feed", { verb: "join", object: addr(group.id, "group") });
    assert.equal(again.status, 400);
    const members = await api.ok(api.anon, "GET", uuidPath);
    assert.deepEqual(members.items.map((p: any) => p.id), [bob.id]);
    assert.equal(members.displayName, "Members of Readers");
    const byId = await api.ok(api.anon, "GET", `/api/group/members?id=${encodeURIComponent(group.id)}`);
    assert.equal(byId.totalItems, 1);
    const docs = await api.ok(bob.creds, "GET", pathOf(group.documents.url));
    assert.equal(docs.totalItems, 0);
    assert.equal(docs.displayName, "Documents of Readers");
    const inbox = await api.ok(bob.creds, "GET", pathOf(group.links["activity-inbox"].href));
    assert.equal(inbox.displayName, "Activities for Readers");
    assert.equal((await api.req(api.anon, "GET", "/api/group/inbox")).status, 400, "'id' required");
  });

  it("looks objects up by foreign id: /api/:type?id= and /api/:type/likes?id=", async () => {
    const foreign = "tag:example.org,2024:notes/1";
    const act = await postNote(api, alice, "Foreign", { object: { id: foreign }, to: [addr(PUBLIC, "collection")] });
    assert.equal(act.object.id, foreign);
    const q = `?id=${encodeURIComponent(foreign)}`;
    const note = await api.ok(api.anon, "GET", `/api/note${q}`);
    assert.equal(note.content, "Foreign");
    assert.equal(pathOf(note.links.self.href), `/api/note${q}`);
    await api.ok(bob.creds, "POST", "/api/user/bob/favorites", addr(foreign, "note"));
    const likes = await api.ok(api.anon, "GET", `/api/note/likes${q}`);
    assert.deepEqual(likes.items.map((p: any) => p.id), [bob.id]);
    const replies = await api.ok(api.anon, "GET", `/api/note/replies${q}`);
    assert.equal(replies.totalItems, 0);
    const wrongType = await api.req(api.anon, "GET", `/api/image${q}`);
    assert.equal(wrongType.status, 404);
    assert.deepEqual(wrongType.body, { error: `Can't find a image with ID = ${foreign}` });
    const noId = await api.req(api.anon, "GET", "/api/note/shares");
    assert.equal(noId.status, 400);
    assert.deepEqual(noId.body, { error: "'id' required" });
  });

  it("refuses remote delivery from a client that is not Dialback-registered", async () => {
    const res = await api.req(api.anon, "POST", "/api/user/alice/inbox", { verb: "post", actor: addr("acct:x@remote.example"), object: { objectType: "note" } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: "Authentication required" });
    const token = await api.req(alice.creds, "POST", "/api/user/alice/inbox", { verb: "post" });
    assert.equal(token.status, 400, "3-legged requests are refused by client-write auth");
  });
});
