/**
 * Issue 8, item 1: an activity that carries an object the viewer may not
 * read carries only the object's stub ({id, objectType}), in every API
 * route. alice writes to bob only; eve follows bob; bob (and alice) then
 * share, like, reply to, list, update and delete around that note.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PUBLIC, addr, pathOf, postNote, startApi, type ApiFixture, type TestUser } from "./support";

const SECRET = "SECRET-kumquat";
const TITLE = "Secret-title-quince";

/** Every string anywhere in a JSON answer, for "never mentions" checks. */
function mentions(json: unknown, needle: string): boolean {
  return JSON.stringify(json).includes(needle);
}

describe("embedded objects the viewer may not read are stubs", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let note: { id: string; objectType: string };
  let notePath: string;

  const followers = (u: TestUser) => addr(`${api.server.url}/api/user/${u.nickname}/followers`, "collection");
  const feedItems = async (who: TestUser | null, path: string): Promise<any[]> =>
    (await api.ok(who ? who.creds : api.anon, "GET", `${path}?count=50`)).items;
  const byVerb = (items: any[], verb: string) => items.filter((a) => a.verb === verb && a.object?.id === note.id);

  before(async () => {
    api = await startApi();
    [alice, bob, eve] = [await api.user("alice"), await api.user("bob"), await api.user("eve")];
    await api.ok(eve.creds, "POST", "/api/user/eve/feed", { verb: "follow", object: addr(bob.id) });
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "follow", object: addr(alice.id) });
    const posted = await postNote(api, alice, SECRET, { to: [addr(bob.id)], object: { displayName: TITLE } });
    note = { id: posted.object.id, objectType: "note" };
    notePath = pathOf(note.id);
    // bob shares with default addressing (his followers: eve).
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "share", object: note });
  });

  after(() => api?.close());

  test("the note itself: bob reads it, eve gets 403", async () => {
    assert.equal((await api.ok(bob.creds, "GET", notePath)).content, SECRET);
    assert.equal((await api.req(eve.creds, "GET", notePath)).status, 403);
  });

  test("share: bob's feeds and eve's inboxes carry a stub to eve, the note to bob", async () => {
    for (const path of ["/api/user/bob/feed", "/api/user/bob/feed/major", "/api/user/eve/inbox", "/api/user/eve/inbox/major"]) {
      if (path.includes("eve") === false) {
        const own = byVerb(await feedItems(bob, path), "share");
        assert.equal(own.length, 1, `bob sees his share in ${path}`);
        assert.equal(own[0].object.content, SECRET, "bob may read the note");
      }
      const items = await feedItems(eve, path);
      const shares = byVerb(items, "share");
      assert.equal(shares.length, 1, `eve sees bob's share in ${path}`);
      assert.deepEqual(shares[0].object, { id: note.id, objectType: "note" }, `stub in ${path}`);
      assert.ok(!mentions(items, SECRET) && !mentions(items, TITLE), `${path} never says what the note says`);
    }
    const [share] = byVerb(await feedItems(eve, "/api/user/eve/inbox"), "share");
    const one = await api.ok(eve.creds, "GET", pathOf(share.id));
    assert.deepEqual(one.object, { id: note.id, objectType: "note" }, "GET /api/activity/:uuid too");
    assert.ok(!mentions(one, TITLE), "the generated content does not name the note");
    assert.match(one.content, /shared a note/);
  });

  test("like: bob favorites it to his followers; eve sees a stub", async () => {
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "favorite", object: note, cc: [followers(bob)] });
    const items = await feedItems(eve, "/api/user/bob/feed");
    const [fav] = byVerb(items, "favorite");
    assert.ok(fav, "eve sees the favorite");
    assert.deepEqual(fav.object, { id: note.id, objectType: "note" });
    assert.ok(!mentions(items, SECRET) && !mentions(items, TITLE));
  });

  test("reply: a public reply's inReplyTo is a stub for eve and the anonymous", async () => {
    const reply = await api.ok(bob.creds, "POST", "/api/user/bob/feed", {
      verb: "post",
      to: [addr(PUBLIC, "collection")],
      object: { objectType: "comment", content: "my public answer", inReplyTo: note },
    });
    for (const who of [eve, null]) {
      const comment = await api.ok(who ? who.creds : api.anon, "GET", pathOf(reply.object.id));
      assert.equal(comment.content, "my public answer");
      assert.deepEqual(comment.inReplyTo, { id: note.id, objectType: "note" });
      const items = await feedItems(who, "/api/user/bob/feed");
      const post = items.find((a) => a.id === reply.id);
      assert.ok(post, "the public reply is in bob's feed");
      assert.deepEqual(post.object.inReplyTo, { id: note.id, objectType: "note" });
      assert.ok(!mentions(items, SECRET) && !mentions(items, TITLE), "nor in the generated 'in reply to' text");
    }
    assert.equal((await api.ok(bob.creds, "GET", pathOf(reply.object.id))).inReplyTo.content, SECRET, "bob still sees his parent");
  });

  test("list: a public list of notes shows eve a stub member; the add activity too", async () => {
    const list = await api.ok(bob.creds, "POST", "/api/user/bob/feed", {
      verb: "create",
      to: [addr(PUBLIC, "collection")],
      object: { objectType: "collection", displayName: "Reading", objectTypes: ["note"] },
    });
    const listRef = { id: list.object.id, objectType: "collection" };
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "add", object: note, target: listRef, to: [addr(PUBLIC, "collection")] });
    const lists = await api.ok(eve.creds, "GET", "/api/user/bob/lists/note");
    const reading = lists.items.find((l: any) => l.id === listRef.id);
    assert.deepEqual(reading.members.items, [{ id: note.id, objectType: "note" }]);
    assert.ok(!mentions(lists, SECRET) && !mentions(lists, TITLE));
    const items = await feedItems(null, "/api/user/bob/feed");
    const [add] = byVerb(items, "add");
    assert.deepEqual(add.object, { id: note.id, objectType: "note" });
    assert.ok(!mentions(items, SECRET) && !mentions(items, TITLE));
  });

  test("update and delete addressed to the public carry stubs", async () => {
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", {
      verb: "update",
      to: [addr(PUBLIC, "collection")],
      object: { ...note, content: `${SECRET}-updated` },
    });
    const items = await feedItems(null, "/api/user/alice/feed");
    const [update] = byVerb(items, "update");
    assert.ok(update, "the public update is in alice's feed");
    assert.deepEqual(update.object, { id: note.id, objectType: "note" });
    assert.ok(!mentions(items, SECRET) && !mentions(items, TITLE));
    const asBob = byVerb(await feedItems(bob, "/api/user/alice/feed"), "update");
    assert.equal(asBob[0].object.content, `${SECRET}-updated`, "a recipient of the note sees the update");

    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "delete", to: [addr(PUBLIC, "collection")], object: note });
    const [del] = byVerb(await feedItems(eve, "/api/user/alice/feed"), "delete");
    assert.deepEqual(del.object, { id: note.id, objectType: "note" });
  });

  test("eve cannot read it by sharing or liking the id she was shown", async () => {
    const other = await postNote(api, alice, `${SECRET}-2`, { to: [addr(bob.id)] });
    const ref = { id: other.object.id, objectType: "note" };
    const shared = await api.ok(eve.creds, "POST", "/api/user/eve/feed", { verb: "share", object: ref });
    assert.deepEqual(shared.object, ref, "the answer to her own post");
    await api.ok(eve.creds, "POST", "/api/user/eve/feed", { verb: "favorite", object: ref, to: [addr(PUBLIC, "collection")] });
    const favs = await api.ok(eve.creds, "GET", "/api/user/eve/favorites");
    assert.deepEqual(favs.items.find((o: any) => o.id === ref.id), ref);
    for (const path of ["/api/user/eve/feed", "/api/user/eve/inbox", "/api/user/eve/favorites"]) {
      assert.ok(!mentions(await api.ok(eve.creds, "GET", path), `${SECRET}-2`), path);
    }
  });
});
