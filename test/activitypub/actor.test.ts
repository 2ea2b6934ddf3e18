/** ActivityPub actors: the AS2 actor at /:nickname, WebFinger's self link, NodeInfo, paged collections. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { startApi, postNote, PUBLIC, type ApiFixture, type TestUser } from "../api/support";

const AP = "application/activity+json";

describe("ActivityPub actors", () => {
  let api: ApiFixture;
  let alice: TestUser;
  let bob: TestUser;
  const getAp = async (path: string) => {
    const res = await api.bare("GET", path, { headers: { Accept: AP } });
    assert.equal(res.status, 200, path);
    return res.json() as Promise<any>;
  };

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    bob = await api.user("bob");
    await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "follow", object: { id: alice.id, objectType: "person" } });
    await postNote(api, alice, "hello fediverse", { to: [{ id: PUBLIC, objectType: "collection" }] });
  });
  after(() => api.close());

  it("serves every local person as an actor with inboxes, collections and a stable RSA key", async () => {
    const base = api.server.url;
    for (const accept of [AP, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']) {
      const res = await api.bare("GET", "/alice", { headers: { Accept: accept } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"');
      const actor: any = await res.json();
      assert.equal(actor.id, `${base}/alice`);
      assert.equal(actor.type, "Person");
      assert.equal(actor.preferredUsername, "alice");
      assert.equal(actor.inbox, `${base}/api/ap/users/alice/inbox`);
      assert.equal(actor.outbox, `${base}/api/ap/users/alice/outbox`);
      assert.equal(actor.followers, `${base}/api/ap/users/alice/followers`);
      assert.equal(actor.endpoints.sharedInbox, `${base}/api/ap/inbox`);
      assert.equal(actor.publicKey.owner, actor.id);
      assert.equal(createPublicKey(actor.publicKey.publicKeyPem).asymmetricKeyType, "rsa");
    }
    const again = await getAp("/alice");
    assert.equal((await getAp("/alice")).publicKey.publicKeyPem, again.publicKey.publicKeyPem);
    assert.notEqual((await getAp("/bob")).publicKey.publicKeyPem, again.publicKey.publicKeyPem);
    // The HTML page is unchanged.
    const html = await api.bare("GET", "/alice", { headers: { Accept: "text/html" } });
    assert.match(html.headers.get("content-type") ?? "", /html/);
  });

  it("answers WebFinger with an activity+json self link beside the pump.io links", async () => {
    const host = new URL(api.server.url).host;
    const res = await api.bare("GET", `/.well-known/webfinger?resource=acct:alice@${host}`, { headers: { Accept: "application/json" } });
    const links: any[] = (await res.json() as any).links;
    assert.ok(links.some((l) => l.rel === "self" && l.type === AP && l.href === `${api.server.url}/alice`));
    assert.ok(links.some((l) => l.rel === "activity-inbox"));
  });

  it("serves NodeInfo 2.0", async () => {
    const wk: any = await (await api.bare("GET", "/.well-known/nodeinfo")).json();
    const info: any = await (await fetch(wk.links[0].href)).json();
    assert.equal(info.version, "2.0");
    assert.deepEqual(info.protocols, ["activitypub"]);
    assert.equal(info.usage.users.total, 2);
  });

  it("pages collections as OrderedCollectionPage", async () => {
    const followers = await getAp("/api/ap/users/alice/followers");
    assert.equal(followers.type, "OrderedCollection");
    assert.equal(followers.totalItems, 1);
    const page = await getAp(new URL(followers.first).pathname + new URL(followers.first).search);
    assert.equal(page.type, "OrderedCollectionPage");
    assert.deepEqual(page.orderedItems, [`${api.server.url}/bob`]);
    const outbox = await getAp("/api/ap/users/alice/outbox?page=1");
    const create = outbox.orderedItems.find((a: any) => a.type === "Create");
    assert.equal(create.object.content, "hello fediverse");
    assert.equal(create.actor, `${api.server.url}/alice`);
    assert.ok(create.to.includes("https://www.w3.org/ns/activitystreams#Public") || create.cc.includes("https://www.w3.org/ns/activitystreams#Public"));
    const missing = await api.bare("GET", "/api/ap/users/nobody/followers", { headers: { Accept: AP } });
    assert.equal(missing.status, 404);
  });
});
