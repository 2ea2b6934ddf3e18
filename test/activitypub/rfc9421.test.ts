/**
 * RFC 9421 HTTP Message Signatures: our inboxes accept an RFC 9421 signed
 * activity (signed here by the `http-message-signatures` library with the
 * fedify peer's key) and refuse tampered, wrong-digest, replayed, stale and
 * mismatched ones; our deliveries double-knock, so they reach both a peer
 * that speaks only RFC 9421 and the fedify 1.5 peer that speaks only
 * draft-cavage, and the working scheme is remembered per host.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPrivateKey, webcrypto } from "node:crypto";
import { createSigner, httpbis } from "http-message-signatures";
import { startApi, postNote, type ApiFixture, type TestUser } from "../api/support";
import { KnockMemory, knockMemory } from "../../lib/activitypub/double-knock";
import { signedRequest } from "../../lib/activitypub/signatures";
import { actorKey } from "../../lib/activitypub/keys";
import { openBank } from "../../lib/databank";
import { createAddressPolicy } from "../../lib/net/address-check";
import { createSafeFetcher } from "../../lib/net/safe-request";
import { startFedifyPeer, type FedifyPeer } from "./fedify-peer";
import { startRfc9421Peer, type Rfc9421Peer } from "./rfc9421-peer";
import { LOOPBACK, eventually } from "./support";

const digestOf = (body: string) => `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;

describe("RFC 9421 HTTP Message Signatures", () => {
  let api: ApiFixture;
  let peer: FedifyPeer;
  let only9421: Rfc9421Peer;
  let alice: TestUser;
  let inbox: string;

  /** Headers of a POST signed by RFC 9421 as the fedify peer's `name`. */
  const sign = async (name: string, url: string, body: string, o: { fields?: string[]; created?: Date } = {}) => {
    const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", peer.privateKey(name)));
    const key = createSigner(createPrivateKey({ key: der, format: "der", type: "pkcs8" }), "rsa-v1_5-sha256", `${peer.actor(name)}#main-key`);
    const headers: Record<string, string> = { "content-type": "application/activity+json", "content-digest": digestOf(body) };
    const signed = await httpbis.signMessage(
      { key, name: "sig1", fields: o.fields ?? ["@method", "@target-uri", "content-digest"], params: ["keyid", "alg", "created"], paramValues: o.created ? { created: o.created } : {} },
      { method: "POST", url, headers },
    );
    return signed.headers as Record<string, string>;
  };
  const post = (url: string, headers: Record<string, string>, body: string) => fetch(url, { method: "POST", headers, body });
  const follow = (n: string, actor = peer.actor("bob")) =>
    JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${peer.base}/follows/r${n}`, type: "Follow", actor, object: `${api.server.url}/alice` });

  before(async () => {
    peer = await startFedifyPeer();
    only9421 = await startRfc9421Peer();
    api = await startApi(LOOPBACK);
    alice = await api.user("alice");
    inbox = `${api.server.url}/api/ap/users/alice/inbox`;
  });
  after(async () => {
    await api.close();
    await peer.close();
    await only9421.close();
  });

  it("accepts an RFC 9421 signed Follow from the fedify peer's key", async () => {
    const body = follow("1");
    const res = await post(inbox, await sign("bob", inbox, body), body);
    assert.equal(res.status, 202, await res.text());
    const followers = await api.ok(alice.creds, "GET", "/api/user/alice/followers");
    assert.ok(followers.items.some((p: any) => p.id === peer.actor("bob")));
  });

  it("refuses tampered, wrong-digest, replayed, stale, uncovered and mismatched requests", async () => {
    // carol follows (bob already does, which would be a 400).
    const body = follow("2", peer.actor("carol"));
    const good = await sign("carol", inbox, body);
    // The same signature on another body whose digest was recomputed: the signature covers the old digest.
    const other = follow("3", peer.actor("carol"));
    assert.equal((await post(inbox, { ...good, "content-digest": digestOf(other) }, other)).status, 401, "tampered body");
    // Signed for another URL.
    const shared = `${api.server.url}/api/ap/inbox`;
    assert.equal((await post(shared, good, body)).status, 401, "tampered target");
    assert.equal((await post(inbox, good, follow("4", peer.actor("carol")))).status, 401, "wrong content-digest");
    assert.equal((await post(inbox, good, body)).status, 202, "the untouched request");
    assert.equal((await post(inbox, good, body)).status, 401, "replayed");
    const stale = new Date(Date.now() - 3600_000);
    assert.equal((await post(inbox, await sign("bob", inbox, follow("5"), { created: stale }), follow("5"))).status, 401, "stale");
    const noDigest = await sign("bob", inbox, follow("6"), { fields: ["@method", "@target-uri"] });
    assert.equal((await post(inbox, noDigest, follow("6"))).status, 401, "body not covered");
    const mismatch = follow("7", peer.actor("bob"));
    assert.equal((await post(inbox, await sign("carol", inbox, mismatch), mismatch)).status, 403, "actor mismatch");
    const { signature: _s, ...unsigned } = good;
    assert.equal((await post(inbox, unsigned, body)).status, 401, "signature removed");
  });

  it("delivers to an RFC 9421-only peer and to the draft-cavage-only fedify peer, remembering which works", async () => {
    const eve = only9421.actor("eve");
    const carol = peer.actor("carol");
    await postNote(api, alice, "to eve", { to: [{ id: eve, objectType: "person" }] });
    await postNote(api, alice, "to carol", { to: [{ id: carol, objectType: "person" }] });
    const atEve = await eventually("Create at the RFC 9421 peer", () => only9421.received.find((r) => r.json.object?.content === "to eve"));
    assert.match(atEve.covered, /"content-digest": sha-256=/);
    assert.match(atEve.covered, /"@target-uri": http/);
    await eventually("Create at the fedify peer", () => peer.received.find((r) => r.json.type === "Create" && r.json.object?.content === "to carol"));
    assert.equal(knockMemory.get(new URL(only9421.base).host), "rfc9421");
    assert.equal(knockMemory.get(new URL(peer.base).host), "cavage");
    // The second delivery to the fedify peer goes straight to draft-cavage (the 9421 peer saw no cavage knock).
    await postNote(api, alice, "again to carol", { to: [{ id: carol, objectType: "person" }] });
    await eventually("second Create at the fedify peer", () => peer.received.find((r) => r.json.object?.content === "again to carol"));
    assert.equal(only9421.refused, 0);
  });
  it("a signed fetch answered 200 does not teach the scheme (servers rarely check a GET's signature); a delivery after it still falls back", async () => {
    const memory = new KnockMemory();
    const fetcher = createSafeFetcher({ policy: createAddressPolicy(["127.0.0.0/8"]) });
    const bank = await openBank({ driver: "memory", params: {}, schema: {} });
    const signer = { key: await actorKey(bank, "alice"), keyId: `${api.server.url}/alice#main-key` };
    const carol = peer.actor("carol");
    const got = await signedRequest(fetcher, signer, carol, { method: "GET" }, memory);
    assert.equal(got.status, 200);
    assert.equal(memory.get(new URL(peer.base).host), undefined, "a GET's 200 is no evidence");
    await bank.disconnect();
  });
});
