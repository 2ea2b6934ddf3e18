/** ActivityPub moderation: a blocked remote person (activityPubBlockedActors) is refused with 403, others are not. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startApi, type ApiFixture } from "../api/support";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";

describe("ActivityPub moderation", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  before(async () => {
    peer = await startFedifyPeer();
    api = await startApi(["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8", "--activityPubBlockedActors", peer.actor("bob")]);
    await api.user("alice");
  });
  after(async () => {
    await api.close();
    await peer.close();
  });

  it("refuses a blocked person's activities and accepts others'", async () => {
    const inbox = `${api.server.url}/api/ap/users/alice/inbox`;
    const follow = (who: string) => JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${peer.base}/follows/${who}`, type: "Follow", actor: peer.actor(who), object: `${api.server.url}/alice` });
    const post = async (who: string) => {
      const req = await peer.signedPost(who, inbox, follow(who));
      return fetch(inbox, { method: "POST", headers: req.headers, body: follow(who) });
    };
    assert.equal((await post("bob")).status, 403);
    assert.equal((await post("carol")).status, 202);
  });
});
