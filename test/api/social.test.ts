/**
 * Two users where one follows the other, and a stranger: posts public,
 * followers-only and private notes, replies, likes, shares, updates and
 * deletes over real HTTP with real OAuth, then checks each stream of each
 * user (items and totalItems) and who may read what.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC, addr, pathOf, postNote, startApi, streamIds, type ApiFixture, type TestUser } from "./support";

describe("API: a small social graph", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  // Activities and objects made along the way.
  let follow: any;
  let pub: any;
  let followersOnly: any;
  let toCarol: any;
  let blind: any;
  let reply: any;

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    carol = await api.user("carol");
  });
  after(() => api.close());

  it("gives a new user the registration totals of api.md §4", async () => {
    const expected: Record<string, number> = {
      feed: 5, "feed/major": 0, "feed/minor": 5,
      inbox: 6, "inbox/major": 1, "inbox/minor": 5,
      "inbox/direct": 1, "inbox/direct/major": 1, "inbox/direct/minor": 0,
      "lists/person": 4, followers: 0, following: 0, favorites: 0,
    };
    for (const [stream, total] of Object.entries(expected)) {
      const body = await api.ok(carol.creds, "GET", `/api/user/carol/${stream}`);
      assert.equal(body.totalItems, total, stream);
      assert.equal(body.items.length, total, `${stream} items`);
    }
    const feed = await api.ok(carol.creds, "GET", "/api/user/carol/feed");
    assert.deepEqual(feed.items.map((a: any) => a.verb), ["create", "create", "create", "create", "join"]);
    for (const a of feed.items) {
      assert.equal(a.generator?.displayName, "API tests", "registration activities name the registering client");
    }
    const direct = await api.ok(carol.creds, "GET", "/api/user/carol/inbox/direct");
    assert.equal(direct.items[0].object.displayName.startsWith("Welcome to "), true);
    const lists = await api.ok(carol.creds, "GET", "/api/user/carol/lists/person");
    assert.deepEqual(lists.items.map((l: any) => l.displayName).sort(), ["Acquaintances", "Coworkers", "Family", "Friends"]);
  });

  it("shows the stored profile with counts in User JSON", async () => {
    const user = await api.ok(api.anon, "GET", "/api/user/carol");
    assert.equal(user.profile.id, carol.id);
    assert.equal(user.profile.followers.totalItems, 0);
    assert.equal(user.profile.lists.totalItems, 4, "lists/person: the four default lists");
    assert.equal(user.profile.pump_io, undefined, "no pump_io for a 2-legged reader");
    const asBob = await api.ok(bob.creds, "GET", "/api/user/carol");
    assert.equal(asBob.profile.pump_io.followed, false);
  });

  it("lets bob follow alice through POST /following", async () => {
    const obj = await api.ok(bob.creds, "POST", "/api/user/bob/following", addr(alice.id));
    assert.equal(obj.id, alice.id);
    assert.equal(obj.pump_io.followed, true);
    const following = await api.ok(bob.creds, "GET", "/api/user/bob/following");
    assert.equal(following.totalItems, 1);
    assert.equal(following.items[0].id, alice.id);
    const followers = await api.ok(carol.creds, "GET", "/api/user/alice/followers");
    assert.equal(followers.totalItems, 1);
    assert.equal(followers.items[0].id, bob.id);
    assert.equal(followers.displayName, "Followers for alice");
    follow = (await api.ok(bob.creds, "GET", "/api/user/bob/feed")).items[0];
    assert.equal(follow.verb, "follow");
    const aliceDirect = await streamIds(api, alice.creds, "/api/user/alice/inbox/direct/minor");
    assert.deepEqual(aliceDirect.ids, [follow.id], "the follow is addressed to alice");
    const profile = await api.ok(bob.creds, "GET", "/api/user/alice/profile");
    assert.equal(profile.pump_io.followed, true);
    assert.equal(profile.followers.totalItems, 1);
  });

  it("posts a public note that reaches the follower's inbox only", async () => {
    pub = await postNote(api, alice, "Hello, world!", { to: [addr(PUBLIC, "collection")] });
    assert.equal(pub.verb, "post");
    assert.equal(pub.object.author, undefined, "post omits object.author");
    assert.equal(pub.generator.displayName, "API tests");
    assert.deepEqual((await streamIds(api, bob.creds, "/api/user/bob/inbox", 1)).ids, [pub.id]);
    assert.notEqual((await streamIds(api, carol.creds, "/api/user/carol/inbox", 1)).ids[0], pub.id);
    for (const creds of [alice.creds, bob.creds, carol.creds, api.anon]) {
      const note = await api.ok(creds, "GET", pathOf(pub.object.id));
      assert.equal(note.content, "Hello, world!");
      assert.equal(note.author.id, alice.id);
    }
  });

  it("posts a followers-only note: followers read it, strangers and anonymous get 403", async () => {
    followersOnly = await postNote(api, alice, "Just for followers");
    assert.deepEqual(followersOnly.cc.map((a: any) => a.id), [`${api.server.url}/api/user/alice/followers`]);
    assert.equal(followersOnly.to, undefined);
    const path = pathOf(followersOnly.object.id);
    assert.equal((await api.req(bob.creds, "GET", path)).status, 200);
    const denied = await api.req(carol.creds, "GET", path);
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { error: "Only the author and recipients can view this object." });
    assert.equal((await api.req(api.anon, "GET", path)).status, 403);
    assert.equal((await api.req(carol.creds, "GET", pathOf(followersOnly.id))).status, 403);
    assert.equal((await api.req(bob.creds, "GET", pathOf(followersOnly.id))).status, 200);
  });

  it("posts a note to one person: the addressee reads it, the follower does not", async () => {
    toCarol = await postNote(api, alice, "Psst, carol", { to: [addr(carol.id)] });
    const path = pathOf(toCarol.object.id);
    assert.equal((await api.req(carol.creds, "GET", path)).status, 200);
    assert.equal((await api.req(bob.creds, "GET", path)).status, 403);
    assert.equal((await api.req(api.anon, "GET", path)).status, 403);
    assert.deepEqual((await streamIds(api, carol.creds, "/api/user/carol/inbox/direct/major", 1)).ids, [toCarol.id]);
    assert.notEqual((await streamIds(api, bob.creds, "/api/user/bob/inbox", 1)).ids[0], toCarol.id);
  });

  it("strips bto/bcc for everyone but the actor", async () => {
    blind = await postNote(api, alice, "Public, with a blind copy", { to: [addr(PUBLIC, "collection")], bcc: [addr(carol.id)] });
    assert.deepEqual(blind.bcc.map((a: any) => a.id), [carol.id], "the actor sees bcc in the answer");
    const asAlice = await api.ok(alice.creds, "GET", pathOf(blind.id));
    assert.equal(asAlice.bcc[0].id, carol.id);
    for (const creds of [bob.creds, carol.creds, api.anon]) {
      const act = await api.ok(creds, "GET", pathOf(blind.id));
      assert.equal(act.bcc, undefined);
      assert.equal(act.bto, undefined);
      const feed = await api.ok(creds, "GET", "/api/user/alice/feed?count=1");
      assert.equal(feed.items[0].id, blind.id);
      assert.equal(feed.items[0].bcc, undefined);
    }
    const own = await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=1");
    assert.equal(own.items[0].bcc[0].id, carol.id);
    // Delivered to carol, but not as a direct message (bcc is not to/bto).
    assert.equal((await streamIds(api, carol.creds, "/api/user/carol/inbox", 1)).ids[0], blind.id);
    assert.notEqual((await streamIds(api, carol.creds, "/api/user/carol/inbox/direct", 1)).ids[0], blind.id);
    const carolsCopy = await api.ok(carol.creds, "GET", "/api/user/carol/inbox?count=1");
    assert.equal(carolsCopy.items[0].bcc, undefined);
  });

  it("filters alice's feed per viewer but counts everything", async () => {
    const all = [blind.id, toCarol.id, followersOnly.id, pub.id];
    const asAlice = await streamIds(api, alice.creds, "/api/user/alice/feed", 4);
    assert.deepEqual(asAlice.ids, all);
    assert.equal(asAlice.total, 9);
    const asBob = await streamIds(api, bob.creds, "/api/user/alice/feed");
    assert.deepEqual(asBob.ids.slice(0, 3), [blind.id, followersOnly.id, pub.id]);
    assert.equal(asBob.total, 9, "totalItems is the unfiltered size");
    const asCarol = await streamIds(api, carol.creds, "/api/user/alice/feed");
    assert.deepEqual(asCarol.ids.slice(0, 3), [blind.id, toCarol.id, pub.id]);
    const asAnon = await streamIds(api, api.anon, "/api/user/alice/feed");
    assert.deepEqual(asAnon.ids, [blind.id, pub.id], "anonymous sees public items only");
    const major = await streamIds(api, bob.creds, "/api/user/alice/feed/major");
    assert.deepEqual(major.ids, [blind.id, followersOnly.id, pub.id]);
    assert.equal(major.total, 4);
  });

  it("lets bob reply: the reply is addressed back and listed in replies", async () => {
    reply = await api.ok(bob.creds, "POST", "/api/user/bob/feed", {
      verb: "post",
      object: { objectType: "comment", content: "Hi alice!", inReplyTo: addr(pub.object.id, "note") },
    });
    // The parent post's addresses (public), then the parent's actor.
    assert.deepEqual(reply.to.map((a: any) => a.id), [PUBLIC, alice.id]);
    assert.equal(reply.object.inReplyTo.id, pub.object.id);
    const replies = await api.ok(carol.creds, "GET", `${pathOf(pub.object.id)}/replies`);
    assert.equal(replies.totalItems, 1);
    assert.equal(replies.items[0].id, reply.object.id);
    assert.equal(replies.items[0].inReplyTo, undefined);
    assert.equal(replies.displayName, `Replies to ${pub.object.id}`);
    assert.equal((await streamIds(api, alice.creds, "/api/user/alice/inbox/direct/minor", 1)).ids[0], reply.id);
    const note = await api.ok(alice.creds, "GET", pathOf(pub.object.id));
    assert.equal(note.replies.totalItems, 1);
    // A reply minor: not in bob's major feed.
    assert.deepEqual((await streamIds(api, bob.creds, "/api/user/bob/feed/major")).ids, []);
  });

  it("lets bob like and share the public note", async () => {
    const liked = await api.ok(bob.creds, "POST", "/api/user/bob/favorites", addr(pub.object.id, "note"));
    assert.equal(liked.id, pub.object.id);
    assert.equal(liked.liked, true);
    const shared = await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "share", object: addr(pub.object.id, "note") });
    assert.equal(shared.verb, "share");
    const likes = await api.ok(carol.creds, "GET", `${pathOf(pub.object.id)}/likes`);
    assert.deepEqual(likes.items.map((p: any) => p.id), [bob.id]);
    assert.equal(likes.totalItems, 1);
    const shares = await api.ok(carol.creds, "GET", `${pathOf(pub.object.id)}/shares`);
    assert.deepEqual(shares.items.map((p: any) => p.id), [bob.id]);
    const favorites = await api.ok(api.anon, "GET", "/api/user/bob/favorites");
    assert.deepEqual(favorites.items.map((o: any) => o.id), [pub.object.id]);
    assert.equal(favorites.displayName, "Things that bob has favorited");
    const asBob = await api.ok(bob.creds, "GET", pathOf(pub.object.id));
    assert.equal(asBob.liked, true);
    assert.equal(asBob.pump_io.shared, true);
    assert.equal(asBob.likes.totalItems, 1);
    assert.equal(asBob.shares.totalItems, 1);
    const asCarol = await api.ok(carol.creds, "GET", pathOf(pub.object.id));
    assert.equal(asCarol.liked, false);
    // The share is major, the favorite minor.
    assert.deepEqual((await streamIds(api, bob.creds, "/api/user/bob/feed/major")).ids, [shared.id]);
  });

  it("lets only the author update a note; followers get the update", async () => {
    const path = pathOf(pub.object.id);
    const refused = await api.req(bob.creds, "PUT", path, { content: "hacked" });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { error: "Only the author can modify this object." });
    const updated = await api.ok(alice.creds, "PUT", path, { content: "Hello, edited world!" });
    assert.equal(updated.content, "Hello, edited world!");
    assert.equal(updated.id, pub.object.id);
    const seen = await api.ok(api.anon, "GET", path);
    assert.equal(seen.content, "Hello, edited world!");
    const bobInbox = await api.ok(bob.creds, "GET", "/api/user/bob/inbox?count=1");
    assert.equal(bobInbox.items[0].verb, "update");
    assert.equal(bobInbox.items[0].object.id, pub.object.id);
  });

  it("lets only the author delete; the object is then gone (410) but its post stays", async () => {
    const path = pathOf(followersOnly.object.id);
    assert.equal((await api.req(bob.creds, "DELETE", path)).status, 403);
    const res = await api.req(alice.creds, "DELETE", path);
    assert.equal(res.status, 200);
    assert.equal(res.body, "Deleted");
    const gone = await api.req(alice.creds, "GET", path);
    assert.equal(gone.status, 410);
    assert.deepEqual(gone.body, { error: "Deleted" });
    assert.equal((await api.req(alice.creds, "PUT", path, { content: "again" })).status, 410);
    const feed = await api.ok(alice.creds, "GET", "/api/user/alice/feed?count=20");
    assert.equal(feed.items[0].verb, "delete");
    const post = feed.items.find((a: any) => a.id === followersOnly.id);
    assert.ok(post, "the post stays in the feed");
    assert.equal(post.object.content, undefined, "…showing the tombstone");
    assert.equal(typeof post.object.deleted, "string");
    assert.equal((await api.ok(bob.creds, "GET", "/api/user/bob/inbox?count=1")).items[0].verb, "delete");
  });

  it("ends with the right totals in every stream", async () => {
    const totals: Array<[TestUser, string, number]> = [
      // alice: 5 + public, followers-only, to-carol, blind, update, delete
      [alice, "feed", 11], [alice, "feed/major", 4], [alice, "feed/minor", 7],
      // alice's inbox: 6 + bob's follow + her own 6 + bob's reply
      [alice, "inbox", 14], [alice, "inbox/direct", 3], [alice, "followers", 1], [alice, "following", 0],
      // bob: 5 + follow, reply, favorite, share
      [bob, "feed", 9], [bob, "feed/major", 1], [bob, "favorites", 1], [bob, "following", 1],
      // bob's inbox: 6 + own 4 + alice's public, followers-only, blind, update, delete
      [bob, "inbox", 15],
      // carol: 6 + to-carol + blind
      [carol, "inbox", 8], [carol, "inbox/direct", 2], [carol, "feed", 5],
    ];
    for (const [user, stream, total] of totals) {
      const body = await api.ok(user.creds, "GET", `/api/user/${user.nickname}/${stream}?count=0`);
      assert.equal(body.totalItems, total, `${user.nickname}/${stream}`);
    }
  });
});
