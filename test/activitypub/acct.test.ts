/**
 * Which protocol a WebFinger answer means: ActivityPub only when it has a
 * `self` link of an AS2 type and no pump.io link (ours have both, and stay
 * with pump.io federation).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { activityPubActorOf } from "../../lib/activitypub/acct";

const actor = "https://social.test/users/ann";

it("an AS2 self link without pump.io links names an ActivityPub actor", () => {
  assert.equal(activityPubActorOf([{ rel: "self", type: "application/activity+json", href: actor }]), actor);
  assert.equal(activityPubActorOf([{ rel: "http://webfinger.net/rel/profile-page", href: "https://social.test/@ann" }, { rel: "self", type: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"', href: actor }]), actor);
});

it("pump.io links, or no AS2 self link, mean pump.io", () => {
  const ours = [
    { rel: "self", href: "https://pump.test/api/user/ann/profile" },
    { rel: "activity-inbox", href: "https://pump.test/api/user/ann/inbox" },
    { rel: "self", type: "application/activity+json", href: "https://pump.test/ann" },
  ];
  assert.equal(activityPubActorOf(ours), null);
  assert.equal(activityPubActorOf([{ rel: "http://apinamespace.org/oauth/request_token", href: "https://pump.test/oauth/request_token" }, { rel: "self", type: "application/activity+json", href: actor }]), null);
  assert.equal(activityPubActorOf([{ rel: "self", type: "text/html", href: actor }]), null);
  assert.equal(activityPubActorOf([{ rel: "self", type: "application/activity+json", href: "javascript:alert(1)" }]), null);
});
