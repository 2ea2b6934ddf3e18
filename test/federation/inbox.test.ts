/**
 * Inbound delivery (federation.md §6): POST /api/user/:nick/inbox and
 * /api/group/:uuid/inbox from clients bound to a remote person or host.
 * The bound clients are stored directly in the server's bank, as Dialback
 * registration would leave them (the e2e tests register them for real).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, type ApiFixture, type TestUser } from "../api/support";
import { createClient } from "../../lib/oauth/clients";
import { clientCreds, type Creds } from "../support/oauth-client";

const REMOTE = "remote.example";
const pathOf = (url: string): string => new URL(url).pathname;

describe("inbound remote delivery", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  let rem: Creds; // bound to the person rem@remote.example
  let host: Creds; // bound to the host remote.example
  let other: Creds; // bound to the host other.example

  const bound = async (props: { webfinger?: string; host?: string }): Promise<Creds> => {
    const c = await createClient(api.server.worker.bank, { title: "peer", ...props });
    return clientCreds({ client_id: c.consumer_key, client_secret: c.secret });
  };
  const inboxIds = async (u: TestUser): Promise<string[]> =>
    (await api.ok(u.creds, "GET", `/api/user/${u.nickname}/inbox?count=50`)).items.map((i: any) => i.id);

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    rem = await bound({ webfinger: `rem@${REMOTE}` });
    host = await bound({ host: REMOTE });
    other = await bound({ host: "other.example" });
  });
  after(() => api.close());

  it("stores a remote post once and places it in the inbox, however often it is delivered", async () => {
    const act = {
      id: `https://${REMOTE}/api/activity/one`, verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" },
      to: [{ id: alice.id, objectType: "person" }],
      object: { id: `https://${REMOTE}/api/note/one`, objectType: "note", content: "hello from afar" },
    };
    const first = await api.ok(rem, "POST", "/api/user/alice/inbox", act);
    assert.equal(first.id, act.id);
    const again = await api.ok(rem, "POST", "/api/user/alice/inbox", act);
    assert.equal(again.id, act.id);
    const ids = await inboxIds(alice);
    assert.equal(ids.filter((i) => i === act.id).length, 1);
    const direct = await api.ok(alice.creds, "GET", "/api/user/alice/inbox/direct?count=1");
    assert.equal(direct.items[0].object.content, "hello from afar");
  });

  it("knows its people by acct:nick@host:port, the form peers use when ids carry a port", async () => {
    const acct = `acct:alice@127.0.0.1:${api.server.port}`;
    const act = {
      id: `https://${REMOTE}/api/activity/by-acct`, verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" },
      to: [{ id: acct, objectType: "person" }], object: { objectType: "note", content: "to your acct" },
    };
    await api.ok(rem, "POST", "/api/user/alice/inbox", act);
    const direct = await api.ok(alice.creds, "GET", "/api/user/alice/inbox/direct?count=1");
    assert.equal(direct.items[0].id, act.id);
    assert.equal(direct.items[0].object.content, "to your acct");
    // A follow of that form makes rem a follower of alice's person: her followers-only posts are theirs to read.
    const fan = await bound({ webfinger: `fan@${REMOTE}` });
    await api.ok(fan, "POST", "/api/user/alice/inbox", { id: `https://${REMOTE}/a/follow-acct`, verb: "follow", actor: { id: `acct:fan@${REMOTE}`, objectType: "person" }, object: { id: acct, objectType: "person" } });
    const friends = await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "post", object: { objectType: "note", content: "for my followers" } });
    const read = await api.req(fan, "GET", pathOf(friends.object.id));
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.content, "for my followers");
  });

  it("refuses an actor that is not the authenticated person or of the authenticated host", async () => {
    const forged = { verb: "post", actor: { id: `acct:someone@${REMOTE}`, objectType: "person" }, to: [{ id: alice.id, objectType: "person" }], object: { objectType: "note", content: "x" } };
    assert.equal((await api.req(rem, "POST", "/api/user/alice/inbox", forged)).status, 400);
    const elsewhere = { ...forged, actor: { id: "acct:x@other.example", objectType: "person" } };
    const res = await api.req(host, "POST", "/api/user/alice/inbox", elsewhere);
    assert.equal(res.status, 400);
    assert.match(res.body.error, /does not belong/);
    const localActor = { ...forged, actor: { id: bob.id, objectType: "person" } };
    assert.equal((await api.req(host, "POST", "/api/user/alice/inbox", localActor)).status, 400);
    const ok = await api.req(host, "POST", "/api/user/alice/inbox", { ...forged, id: `https://${REMOTE}/api/activity/by-host` });
    assert.equal(ok.status, 200);
  });

  it("never reuses a stored activity id for another actor", async () => {
    const id = `https://${REMOTE}/api/activity/taken`;
    const mine = { id, verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" }, to: [{ id: alice.id, objectType: "person" }], object: { objectType: "note", content: "mine" } };
    await api.ok(rem, "POST", "/api/user/alice/inbox", mine);
    const theirs = { ...mine, actor: { id: "acct:thief@other.example", objectType: "person" }, object: { objectType: "note", content: "stolen" } };
    const res = await api.req(other, "POST", "/api/user/bob/inbox", theirs);
    assert.equal(res.status, 400);
    assert.match(res.body.error, /another actor/);
    assert.ok(!(await inboxIds(bob)).includes(id));
    // A local activity's id cannot be claimed by a peer either.
    const local = await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "post", object: { objectType: "note", content: "local" } });
    const claim = await api.req(host, "POST", "/api/user/alice/inbox", { ...mine, id: local.id, actor: { id: `acct:y@${REMOTE}`, objectType: "person" } });
    assert.equal(claim.status, 400);
  });

  it("applies follow, like, reply and share as the remote actor", async () => {
    const actor = { id: `acct:rem@${REMOTE}`, objectType: "person" };
    const note = await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "post", object: { objectType: "note", content: "like me" } });
    const obj = note.object;
    await api.ok(rem, "POST", "/api/user/alice/inbox", { id: `https://${REMOTE}/a/follow`, verb: "follow", actor, object: { id: alice.id, objectType: "person" } });
    const followers = await api.ok(alice.creds, "GET", "/api/user/alice/followers");
    assert.ok(followers.items.some((p: any) => p.id === actor.id));
    await api.ok(rem, "POST", "/api/user/alice/inbox", { id: `https://${REMOTE}/a/like`, verb: "favorite", actor, to: [{ id: alice.id, objectType: "person" }], object: { id: obj.id, objectType: "note" } });
    await api.ok(rem, "POST", "/api/user/alice/inbox", { id: `https://${REMOTE}/a/share`, verb: "share", actor, to: [{ id: alice.id, objectType: "person" }], object: { id: obj.id, objectType: "note" } });
    await api.ok(rem, "POST", "/api/user/alice/inbox", {
      id: `https://${REMOTE}/a/reply`, verb: "post", actor, to: [{ id: alice.id, objectType: "person" }],
      object: { id: `https://${REMOTE}/api/comment/r1`, objectType: "comment", content: "a reply", inReplyTo: { id: obj.id, objectType: "note" } },
    });
    const likes = await api.ok(alice.creds, "GET", pathOf(obj.likes.url));
    assert.deepEqual(likes.items.map((p: any) => p.id), [actor.id]);
    const shares = await api.ok(alice.creds, "GET", pathOf(obj.shares.url));
    assert.deepEqual(shares.items.map((p: any) => p.id), [actor.id]);
    const replies = await api.ok(alice.creds, "GET", pathOf(obj.replies.url));
    assert.deepEqual(replies.items.map((c: any) => c.id), [`https://${REMOTE}/api/comment/r1`]);
    // Delivered again (a retry after a lost answer): nothing counts twice.
    await api.ok(rem, "POST", "/api/user/alice/inbox", { id: `https://${REMOTE}/a/like`, verb: "favorite", actor, to: [{ id: alice.id, objectType: "person" }], object: { id: obj.id, objectType: "note" } });
    assert.equal((await api.ok(alice.creds, "GET", pathOf(obj.likes.url))).totalItems, 1);
  });

  it("answers hostile or invalid bodies with 4xx and stores nothing", async () => {
    const before = await inboxIds(alice);
    const bad: unknown[] = [
      { verb: "post", actor: "acct:rem@remote.example", object: { objectType: "note" } },
      { verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" } },
      { id: 42, verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" }, object: { objectType: "note" } },
      { id: "javascript:alert(1)", verb: "post", actor: { id: `acct:rem@${REMOTE}`, objectType: "person" }, object: { objectType: "note" } },
      [1, 2, 3],
    ];
    for (const body of bad) {
      const res = await api.req(rem, "POST", "/api/user/alice/inbox", body);
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body)} -> ${res.status}`);
      assert.equal(typeof res.body.error, "string");
    }
    assert.deepEqual(await inboxIds(alice), before);
  });

  it("refuses delivery by a client without Dialback binding", async () => {
    const res = await api.req(api.anon, "POST", "/api/user/alice/inbox", { verb: "post", actor: { id: `acct:rem@${REMOTE}` }, object: { objectType: "note" } });
    assert.equal(res.status, 401);
  });

  it("delivers a remote post to a local group: its inbox and its members", async () => {
    const made = await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "create", object: { objectType: "group", displayName: "Walkers" }, to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }] });
    const group = made.object;
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "join", object: { id: group.id, objectType: "group" } });
    const inboxPath = pathOf(group.links["activity-inbox"].href);
    const actor = { id: `acct:rem@${REMOTE}`, objectType: "person" };
    const notForGroup = await api.req(rem, "POST", inboxPath, { verb: "post", actor, object: { objectType: "note", content: "x" } });
    assert.equal(notForGroup.status, 400);
    const act = { id: `https://${REMOTE}/a/group-post`, verb: "post", actor, to: [{ id: group.id, objectType: "group" }], object: { objectType: "note", content: "for walkers" } };
    await api.ok(rem, "POST", inboxPath, act);
    await api.ok(rem, "POST", inboxPath, act);
    const ginbox = await api.ok(bob.creds, "GET", inboxPath);
    assert.equal(ginbox.items.filter((i: any) => i.id === act.id).length, 1);
    assert.equal((await inboxIds(bob)).filter((i) => i === act.id).length, 1);
    assert.equal((await api.req(api.anon, "POST", inboxPath, act)).status, 401);
  });
});
