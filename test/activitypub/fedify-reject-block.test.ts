/**
 * Reject and Block from a fedify peer (Mastodon's meaning): a Reject of
 * our follow removes it (our follows count at once; the Reject undoes
 * it), and that person's followers-only posts no longer reach us; a Block
 * removes follows both ways and nothing of the blocked person is
 * delivered to the blocker until an Undo of the Block.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, postNote, type ApiFixture, type TestUser } from "../api/support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { AS_PUBLIC, eventually, LOOPBACK } from "./support";

describe("Reject and Block from a fedify peer", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  let alice: TestUser;
  let me: { id: string; inbox: string };
  const got = (type: string, pred: (j: any) => boolean = () => true) => peer.received.find((r) => r.json.type === type && pred(r.json));
  const ids = async (stream: string) => ((await api.ok(alice.creds, "GET", `/api/user/alice/${stream}?count=50`)).items as any[]).map((i) => i.id as string);
  const inboxHas = async (noteId: string) => (await api.ok(alice.creds, "GET", "/api/user/alice/inbox?count=50")).items.some((a: any) => a.object?.id === noteId);

  before(async () => {
    peer = await startFedifyPeer({ people: ["dora", "erin", "finn"], rejectFollows: ["dora"] });
    api = await startApi(LOOPBACK);
    alice = await api.user("alice");
    me = { id: `${api.server.url}/alice`, inbox: `${api.server.url}/api/ap/users/alice/inbox` };
  });
  after(async () => {
    await api.close();
    await peer.close();
  });

  it("a Reject of our follow removes it, and the rejecter's followers-only posts stop reaching us", async () => {
    const dora = peer.actor("dora");
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "follow", object: { id: dora, objectType: "person" } });
    await eventually("Follow at the peer", () => got("Follow", (j) => j.object === dora));
    await eventually("dora gone from alice's following", async () => !(await ids("following")).includes(dora));
    const friendsOnly = { id: `${peer.base}/notes/d1`, type: "Note", attributedTo: dora, content: "for my followers", to: [`${dora}/followers`] };
    await peer.send("dora", { id: me.id, inbox: `${api.server.url}/api/ap/inbox` }, { id: `${peer.base}/creates/d1`, type: "Create", actor: dora, to: [`${dora}/followers`], object: friendsOnly });
    const direct = { id: `${peer.base}/notes/d2`, type: "Note", attributedTo: dora, content: "to alice", to: [me.id] };
    await peer.send("dora", me, { id: `${peer.base}/creates/d2`, type: "Create", actor: dora, to: [me.id], object: direct });
    await eventually("dora's direct note", () => inboxHas(direct.id));
    assert.equal(await inboxHas(friendsOnly.id), false);
  });

  it("a Block removes follows both ways and stops delivery to the blocker; an Undo lifts it", async () => {
    const erin = peer.actor("erin");
    await peer.send("erin", me, { id: `${peer.base}/follows/e1`, type: "Follow", actor: erin, object: me.id });
    await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "follow", object: { id: erin, objectType: "person" } });
    await eventually("erin follows alice", async () => (await ids("followers")).includes(erin));
    assert.ok((await ids("following")).includes(erin));

    await peer.send("erin", me, { id: `${peer.base}/blocks/1`, type: "Block", actor: erin, object: me.id });
    assert.equal((await ids("followers")).includes(erin), false, "erin no longer follows alice");
    assert.equal((await ids("following")).includes(erin), false, "alice no longer follows erin");

    await postNote(api, alice, "public after block", { to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }] });
    await postNote(api, alice, "to erin after block", { to: [{ id: erin, objectType: "person" }] });
    await postNote(api, alice, "marker to finn", { to: [{ id: peer.actor("finn"), objectType: "person" }] });
    await eventually("marker", () => got("Create", (j) => j.object?.content === "marker to finn"));
    assert.equal(got("Create", (j) => j.object?.content === "to erin after block"), undefined);
    assert.equal(got("Create", (j) => j.object?.content === "public after block"), undefined);

    await peer.send("erin", me, { id: `${peer.base}/undos/b1`, type: "Undo", actor: erin, object: { id: `${peer.base}/blocks/1`, type: "Block", actor: erin, object: me.id } });
    await postNote(api, alice, "to erin after undo", { to: [{ id: erin, objectType: "person" }] });
    const c = await eventually("Create after the Undo", () => got("Create", (j) => j.object?.content === "to erin after undo"));
    assert.ok(![c.json.to, c.json.cc].flat().includes(AS_PUBLIC));
  });
});
