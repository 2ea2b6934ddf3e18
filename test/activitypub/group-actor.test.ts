/**
 * Local groups as ActivityPub Group actors, against the fedify peer: the
 * actor document (by content negotiation at the group's id), a Follow by
 * the peer answered by an Accept from the group, a member's post to the
 * group sent to the peer as an Announce by the group, Undo of the Follow;
 * a group only some people may read is no actor.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { startApi, PUBLIC, type ApiFixture, type TestUser } from "../api/support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { LOOPBACK, eventually } from "./support";

const AP = "application/activity+json";

describe("ActivityPub groups", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  let alice: TestUser;
  let dave: TestUser;
  let group: any;
  let hidden: any;
  const getAp = async (url: string) => fetch(url, { headers: { Accept: AP } });
  const got = (type: string, pred: (j: any) => boolean = () => true) => peer.received.find((r) => r.json.type === type && pred(r.json));

  before(async () => {
    peer = await startFedifyPeer();
    api = await startApi(LOOPBACK);
    alice = await api.user("alice");
    dave = await api.user("dave");
    const made = await api.ok(alice.creds, "POST", "/api/user/alice/feed", {
      verb: "create",
      object: { objectType: "group", displayName: "Cat lovers", summary: "All about cats" },
      to: [{ id: PUBLIC, objectType: "collection" }],
    });
    group = made.object;
    const secret = await api.ok(alice.creds, "POST", "/api/user/alice/feed", { verb: "create", object: { objectType: "group", displayName: "Secret" }, to: [{ id: dave.id, objectType: "person" }] });
    hidden = secret.object;
    await api.ok(dave.creds, "POST", "/api/user/dave/feed", { verb: "join", object: { id: group.id, objectType: "group" } });
  });
  after(async () => {
    await api.close();
    await peer.close();
  });

  it("serves a public local group as a Group actor at its id", async () => {
    const res = await getAp(group.id);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"');
    const actor: any = await res.json();
    assert.equal(actor.id, group.id);
    assert.equal(actor.type, "Group");
    assert.equal(actor.name, "Cat lovers");
    assert.equal(actor.summary, "All about cats");
    for (const k of ["inbox", "outbox", "followers"]) assert.match(actor[k], new RegExp(`/api/ap/groups/[^/]+/${k}$`));
    assert.equal(actor.publicKey.owner, group.id);
    assert.equal(createPublicKey(actor.publicKey.publicKeyPem).asymmetricKeyType, "rsa");
    assert.equal((await (await getAp(group.id)).json() as any).publicKey.publicKeyPem, actor.publicKey.publicKeyPem);
    assert.equal((await getAp(actor.followers)).status, 200);
    // Not asked for AS2: the pump.io API answers as before (it wants OAuth).
    assert.notEqual((await fetch(group.id, { headers: { Accept: "application/json" } })).headers.get("content-type"), res.headers.get("content-type"));
    // A group only dave may read is no actor.
    assert.equal((await getAp(hidden.id)).status === 200, false);
  });

  it("the fedify peer follows the group and gets an Accept from it", async () => {
    const actor: any = await (await getAp(group.id)).json();
    await peer.send("bob", { id: group.id, inbox: actor.inbox }, { id: `${peer.base}/follows/g1`, type: "Follow", actor: peer.actor("bob"), object: group.id });
    const accept = await eventually("Accept from the group", () => got("Accept"));
    assert.equal(accept.json.actor, group.id);
    const followers: any = await (await getAp(actor.followers)).json();
    assert.deepEqual(followers.orderedItems, [peer.actor("bob")]);
  });

  it("a member's post to the group reaches the peer as an Announce by the group", async () => {
    await api.ok(dave.creds, "POST", "/api/user/dave/feed", { verb: "post", object: { objectType: "note", content: "my cat" }, target: { id: group.id, objectType: "group" } });
    const ann = await eventually("Announce by the group", () => got("Announce", (j) => j.object?.object?.content === "my cat"));
    assert.equal(ann.json.actor, group.id);
    assert.equal(ann.json.object.type, "Create");
    assert.equal(ann.json.object.actor, `${api.server.url}/dave`);
    assert.equal(ann.json.object.object.attributedTo, `${api.server.url}/dave`);
    assert.ok([ann.json.to].flat().some((a: string) => a.endsWith("/followers")));
  });

  it("Undo of the Follow stops the Announces", async () => {
    const actor: any = await (await getAp(group.id)).json();
    const undo = { id: `${peer.base}/undos/g1`, type: "Undo", actor: peer.actor("bob"), object: { id: `${peer.base}/follows/g1`, type: "Follow", actor: peer.actor("bob"), object: group.id } };
    await peer.send("bob", { id: group.id, inbox: actor.inbox }, undo);
    const followers: any = await (await getAp(actor.followers)).json();
    assert.equal(followers.totalItems, 0);
    await api.ok(dave.creds, "POST", "/api/user/dave/feed", { verb: "post", object: { objectType: "note", content: "after undo" }, target: { id: group.id, objectType: "group" } });
    await api.ok(dave.creds, "POST", "/api/user/dave/feed", { verb: "post", object: { objectType: "note", content: "marker" }, to: [{ id: peer.actor("carol"), objectType: "person" }] });
    await eventually("marker", () => got("Create", (j) => j.object?.content === "marker"));
    assert.equal(got("Announce", (j) => j.object?.object?.content === "after undo"), undefined);
  });
});
