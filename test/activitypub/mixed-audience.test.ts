/**
 * One post, both protocols: a local person followed by a person on another
 * pump.io server of ours (bin/pump on 127.0.0.7, pump.io federation with
 * Dialback and OAuth) and by a person on a fedify server (ActivityPub)
 * posts once; both followers get it, each by their own protocol.
 */
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, postNote, PUBLIC, type ApiFixture, type TestUser } from "../api/support";
import { rmSync } from "node:fs";
import { tempDir } from "../cluster/support";
import { ids, post, startPeer, user, type Peer, type PeerUser } from "../e2e/federation-support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { eventually, LOOPBACK } from "./support";

let api: ApiFixture;
let fedify: FedifyPeer;
let pump: Peer;
let alice: TestUser;
let pat: PeerUser;

before(async () => {
  fedify = await startFedifyPeer();
  api = await startApi(LOOPBACK);
  alice = await api.user("alice");
  pump = await startPeer(7, {}, tempDir("pump-mixed-"));
  pat = await user(pump, "pat");
});
after(async () => {
  await pump?.cluster.stop();
  if (pump) rmSync(pump.dir, { recursive: true, force: true });
  await api.close();
  await fedify.close();
});

it("a post reaches a pump.io follower and an ActivityPub follower", { timeout: 240_000 }, async () => {
  const me = { id: `${api.server.url}/alice`, inbox: `${api.server.url}/api/ap/users/alice/inbox` };
  await fedify.send("bob", me, { id: `${fedify.base}/follows/m1`, type: "Follow", actor: fedify.actor("bob"), object: me.id });
  await post(pat, { verb: "follow", object: { id: alice.id, objectType: "person" } });
  await eventually("both among alice's followers", async () => {
    const f = (await api.ok(alice.creds, "GET", "/api/user/alice/followers")).items.map((p: any) => p.id);
    return f.includes(fedify.actor("bob")) && f.includes(pat.id);
  });
  const note = await postNote(api, alice, "to everyone", { to: [{ id: PUBLIC, objectType: "collection" }] });
  await eventually("the post in pat's inbox on the pump.io server", async () => (await ids(pat, "inbox")).includes(note.id) || undefined);
  const create = await eventually("the Create at the fedify server", () => fedify.received.find((r) => r.json.type === "Create" && r.json.object?.content === "to everyone"));
  assert.equal(create.json.id, note.id);
});
