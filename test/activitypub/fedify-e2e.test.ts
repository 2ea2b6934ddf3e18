/**
 * End to end against an independent ActivityPub server (@fedify/fedify, its
 * own HTTP server on loopback): follows both ways with Accept, posts reach
 * exactly their addressees, replies/likes/shares/updates/deletes both ways,
 * undo stops delivery, and forged, replayed, wrong-digest and mismatched
 * requests are refused.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, postNote, pathOf, PUBLIC, type ApiFixture, type TestUser } from "../api/support";
import { loadFedify } from "../../lib/activitypub/fedify";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { LOOPBACK, eventually } from "./support";

const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
/** fedify compacts the public collection to "as:Public". */
const isPublic = (j: any) => [j.to, j.cc].flat().some((a) => a === AS_PUBLIC || a === "as:Public");

describe("ActivityPub with a fedify peer", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  let alice: TestUser;
  let dave: TestUser;
  let us: (nick: string) => { id: string; inbox: string };
  const got = (type: string, pred: (j: any) => boolean = () => true) => peer.received.find((r) => r.json.type === type && pred(r.json));
  const inboxOf = async (u: TestUser) => (await api.ok(u.creds, "GET", `/api/user/${u.nickname}/inbox?count=50`)).items as any[];

  before(async () => {
    peer = await startFedifyPeer();
    api = await startApi(LOOPBACK);
    alice = await api.user("alice");
    dave = await api.user("dave");
    us = (nick) => ({ id: `${api.server.url}/${nick}`, inbox: `${api.server.url}/api/ap/users/${nick}/inbox` });
  });
  after(async () => {
    await api.close();
    await peer.close();
  });

  it("a local person follows a fedify person, who accepts", async () => {
    const bob = peer.actor("bob");
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "follow", object: { id: bob, objectType: "person" }, to: [{ id: bob, objectType: "person" }] });
    const follow = await eventually("Follow at the peer", () => got("Follow"));
    assert.equal(follow.json.actor, us("alice").id);
    assert.equal(follow.json.object, bob);
    const following = await api.ok(alice.creds, "GET", "/api/user/alice/following");
    assert.ok(following.items.some((p: any) => p.id === bob));
  });

  it("a fedify person follows a local person and gets an Accept", async () => {
    await peer.send("bob", us("alice"), { id: `${peer.base}/follows/1`, type: "Follow", actor: peer.actor("bob"), object: us("alice").id });
    await eventually("bob among alice's followers", async () => {
      const f = await api.ok(alice.creds, "GET", "/api/user/alice/followers");
      return f.items.some((p: any) => p.id === peer.actor("bob"));
    });
    const accept = await eventually("Accept at the peer", () => got("Accept"));
    assert.equal(accept.json.actor, us("alice").id);
  });

  it("a public post reaches the fedify follower", async () => {
    const act = await postNote(api, alice, "public hello", { to: [{ id: PUBLIC, objectType: "collection" }] });
    const create = await eventually("public Create", () => got("Create", (j) => j.object?.content === "public hello"));
    assert.equal(create.json.id, act.id);
    assert.ok(isPublic(create.json));
  });

  it("a followers-only post and a direct post reach exactly their addressees", async () => {
    await postNote(api, alice, "for followers");
    const f = await eventually("followers-only Create", () => got("Create", (j) => j.object?.content === "for followers"));
    assert.ok(!isPublic(f.json));
    assert.ok([f.json.to, f.json.cc].flat().includes(`${api.server.url}/api/ap/users/alice/followers`), JSON.stringify([f.json.to, f.json.cc]));
    await postNote(api, alice, "only dave", { to: [{ id: dave.id, objectType: "person" }] });
    await postNote(api, alice, "only carol", { to: [{ id: peer.actor("carol"), objectType: "person" }] });
    const c = await eventually("direct Create", () => got("Create", (j) => j.object?.content === "only carol"));
    assert.ok(!isPublic(c.json));
    assert.deepEqual([c.json.to].flat(), [peer.actor("carol")]);
    assert.equal(got("Create", (j) => j.object?.content === "only dave"), undefined);
  });

  it("posts, replies, likes, shares, updates and deletes from the peer arrive", async () => {
    const bob = peer.actor("bob");
    const mine = await postNote(api, alice, "like me", { to: [{ id: PUBLIC, objectType: "collection" }] });
    const note = { id: `${peer.base}/notes/1`, type: "Note", attributedTo: bob, content: "hi alice", to: [AS_PUBLIC], cc: [`${bob}/followers`] };
    await peer.send("bob", us("alice"), { id: `${peer.base}/creates/1`, type: "Create", actor: bob, to: [AS_PUBLIC], object: note });
    const received = await eventually("bob's note in alice's inbox", async () => (await inboxOf(alice)).find((a) => a.object?.id === note.id));
    assert.equal(received.object.content, "hi alice");
    const reply = { id: `${peer.base}/notes/2`, type: "Note", attributedTo: bob, content: "a reply", inReplyTo: mine.object.id, to: [us("alice").id] };
    await peer.send("bob", us("alice"), { id: `${peer.base}/creates/2`, type: "Create", actor: bob, to: [us("alice").id], object: reply });
    const r = await eventually("reply", async () => (await inboxOf(alice)).find((a) => a.object?.id === reply.id));
    assert.equal(r.object.inReplyTo.id, mine.object.id);
    await peer.send("bob", us("alice"), { id: `${peer.base}/likes/1`, type: "Like", actor: bob, object: mine.object.id });
    const likes = await api.ok(alice.creds, "GET", `${pathOf(mine.object.id)}/likes`);
    assert.ok(likes.items.some((p: any) => p.id === bob));
    await peer.send("bob", us("alice"), { id: `${peer.base}/announces/1`, type: "Announce", actor: bob, object: mine.object.id, to: [AS_PUBLIC] });
    const shares = await api.ok(alice.creds, "GET", `${pathOf(mine.object.id)}/shares`);
    assert.ok(shares.items.some((p: any) => p.id === bob));
    await peer.send("bob", us("alice"), { id: `${peer.base}/updates/1`, type: "Update", actor: bob, to: [AS_PUBLIC], object: { ...note, content: "hi alice (edited)" } });
    const read = (id: string) => api.req(alice.creds, "GET", `/api/note?id=${encodeURIComponent(id)}`);
    assert.equal((await read(note.id)).body.content, "hi alice (edited)");
    await peer.send("bob", us("alice"), { id: `${peer.base}/deletes/1`, type: "Delete", actor: bob, to: [AS_PUBLIC], object: note.id });
    const gone = await read(note.id);
    assert.ok(gone.status === 410 || gone.status === 404 || typeof gone.body.deleted === "string", `deleted: ${gone.status}`);
  });

  it("likes, shares, updates and deletes from here reach the peer", async () => {
    const bob = peer.actor("bob");
    const bobNote = `${peer.base}/notes/1`;
    const toBob = [{ id: bob, objectType: "person" }];
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "favorite", object: { id: bobNote, objectType: "note" }, to: toBob });
    await eventually("Like", () => got("Like", (j) => j.object === bobNote));
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "share", object: { id: bobNote, objectType: "note" }, to: toBob });
    await eventually("Announce", () => got("Announce", (j) => j.object === bobNote));
    const mine = await postNote(api, alice, "to edit", { to: [{ id: PUBLIC, objectType: "collection" }] });
    await api.ok(alice.creds, "PUT", pathOf(mine.object.id), { ...mine.object, content: "edited here" });
    await eventually("Update", () => got("Update", (j) => j.object?.content === "edited here"));
    await api.ok(alice.creds, "DELETE", pathOf(mine.object.id));
    await eventually("Delete", () => got("Delete", (j) => (j.object?.id ?? j.object) === mine.object.id));
  });

  it("refuses forged, replayed, wrong-digest and mismatched requests", async () => {
    const f = await loadFedify();
    const inbox = us("alice").inbox;
    const like = (n: number, actor = peer.actor("bob")) => JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${peer.base}/likes/sec${n}`, type: "Like", actor, object: `${api.server.url}/api/note/none` });
    const send = async (req: Request, body?: string) => fetch(inbox, { method: "POST", headers: req.headers, body: body ?? (await req.clone().text()) });
    const good = await peer.signedPost("bob", inbox, like(1));
    const replayCopy = new Request(good.url, { method: "POST", headers: good.headers, body: like(1) });
    assert.ok([202, 400].includes((await send(good)).status));
    assert.equal((await send(replayCopy)).status, 401, "replayed");
    const wrongDigest = await peer.signedPost("bob", inbox, like(2));
    assert.equal((await send(wrongDigest, like(3))).status, 401, "digest");
    const stranger = (await f.generateCryptoKeyPair("RSASSA-PKCS1-v1_5")) as CryptoKeyPair;
    assert.equal((await send(await peer.signedPost("bob", inbox, like(4), { key: stranger.privateKey }))).status, 401, "forged");
    assert.equal((await send(await peer.signedPost("carol", inbox, like(5)))).status, 403, "actor mismatch");
    assert.equal((await fetch(inbox, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body: like(6) })).status, 401, "unsigned");
  });

  it("undo follow stops delivery to the peer", async () => {
    const bob = peer.actor("bob");
    await peer.send("bob", us("alice"), { id: `${peer.base}/undos/1`, type: "Undo", actor: bob, object: { id: `${peer.base}/follows/1`, type: "Follow", actor: bob, object: us("alice").id } });
    const followers = await api.ok(alice.creds, "GET", "/api/user/alice/followers");
    assert.ok(!followers.items.some((p: any) => p.id === bob));
    await postNote(api, alice, "after undo", { to: [{ id: PUBLIC, objectType: "collection" }] });
    await postNote(api, alice, "marker", { to: [{ id: peer.actor("carol"), objectType: "person" }] });
    await eventually("marker", () => got("Create", (j) => j.object?.content === "marker"));
    assert.equal(got("Create", (j) => j.object?.content === "after undo"), undefined);
  });
});
