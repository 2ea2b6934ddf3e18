/**
 * Which protocol for whom, and signed fetches, against a fedify server in
 * "authorized fetch" mode (its actors and keys answer only signed GETs): a
 * person reached by WebFinger (`acct:user@host`; the peer serves no
 * host-meta) who speaks only ActivityPub is followed and written to by
 * ActivityPub, through the API and the web's "follow someone elsewhere"
 * box; our fetches of its actors and keys are signed by our instance actor.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, postNote, type ApiFixture, type TestUser } from "../api/support";
import { act, registerSession } from "../web/realtime/support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { eventually, LOOPBACK } from "./support";

describe("acct: ids of ActivityPub-only people, signed fetches", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  let lee: TestUser;
  let host: string;
  const got = (type: string, pred: (j: any) => boolean = () => true) => peer.received.find((r) => r.json.type === type && pred(r.json));

  before(async () => {
    peer = await startFedifyPeer({ people: ["alice", "bob"], authorizedFetch: true });
    host = new URL(peer.base).host;
    api = await startApi(LOOPBACK);
    lee = await api.user("lee");
  });
  after(async () => {
    await api.close();
    await peer.close();
  });

  it("the peer refuses unsigned fetches of its actors, and serves no host-meta", async () => {
    const res = await fetch(peer.actor("alice"), { headers: { Accept: "application/activity+json" } });
    assert.equal(res.status, 401);
    assert.equal((await fetch(`${peer.base}/.well-known/host-meta`)).status, 404);
  });

  it("our instance actor is an Application with a key", async () => {
    const res = await api.bare("GET", "/api/ap/actor", { headers: { Accept: "application/activity+json" } });
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.type, "Application");
    assert.equal(doc.publicKey.owner, `${api.server.url}/api/ap/actor`);
    assert.match(doc.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
  });

  it("following acct:alice@peer through the API goes by ActivityPub, and she accepts", async () => {
    const alice = peer.actor("alice");
    await api.ok(lee.creds, "POST", "/api/user/lee/feed", { verb: "follow", object: { id: `acct:alice@${host}`, objectType: "person" } });
    const follow = await eventually("Follow at the peer", () => got("Follow", (j) => j.object === alice));
    assert.equal(follow.json.actor, `${api.server.url}/lee`);
    const following = await api.ok(lee.creds, "GET", "/api/user/lee/following");
    const person = following.items.find((p: any) => p.id === alice);
    assert.ok(person, JSON.stringify(following.items.map((p: any) => p.id)));
    // Her actor was read (a signed fetch: the peer refuses unsigned ones).
    assert.equal(person.displayName, "ALICE");
  });

  it("a post to acct:alice@peer reaches her by ActivityPub", async () => {
    await postNote(api, lee, "hello alice", { to: [{ id: `acct:alice@${host}`, objectType: "person" }] });
    const create = await eventually("Create at the peer", () => got("Create", (j) => j.object?.content === "hello alice"));
    assert.deepEqual([create.json.to].flat(), [peer.actor("alice")]);
  });

  it("her signed posts are verified (her key fetched signed) and arrive", async () => {
    const alice = peer.actor("alice");
    const note = { id: `${peer.base}/notes/a1`, type: "Note", attributedTo: alice, content: "hi lee", to: [`${api.server.url}/lee`] };
    await peer.send("alice", { id: `${api.server.url}/lee`, inbox: `${api.server.url}/api/ap/users/lee/inbox` }, { id: `${peer.base}/creates/a1`, type: "Create", actor: alice, to: [`${api.server.url}/lee`], object: note });
    await eventually("alice's note in lee's inbox", async () => {
      const inbox = await api.ok(lee.creds, "GET", "/api/user/lee/inbox?count=50");
      return inbox.items.some((a: any) => a.object?.id === note.id);
    });
  });

  it("the web's follow-someone-elsewhere box follows bob@peer by ActivityPub", async () => {
    const session = await registerSession(api.server.url, "mo");
    await act(api.server.url, session, "follow-remote", { webfinger: `bob@${host}` });
    const follow = await eventually("mo's Follow at the peer", () => got("Follow", (j) => j.actor === `${api.server.url}/mo`));
    assert.equal(follow.json.object, peer.actor("bob"));
  });
});
