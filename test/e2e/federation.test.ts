// Federation between three real servers of ours (bin/pump on 127.0.0.2,
// .3 and .4, each with its own data and control socket): follows by acct:
// id, public and followers-only posts, replies, likes and shares going
// back, a private post, unfollowing, and groups with remote members.
// Every cross-server step is a real Dialback registration and a 2-legged
// OAuth delivery job; reads poll, since deliveries are background jobs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter } from "../cluster/support";
import { getAccessToken, userCreds } from "../support/oauth-client";
import { Client, contentOf, registerSession } from "../web/realtime/support";
import { PASSWORD, PUBLIC, call, eventually, ids, items, pathOf, post, startPeer, user, type Peer, type PeerUser } from "./federation-support";

test("three servers federate: follow, posts, replies, likes, shares, private posts, unfollow, groups", { timeout: 400_000 }, async (t) => {
  const peers: Peer[] = [];
  t.after(async () => {
    for (const p of peers) if (p.cluster.pump.child.exitCode === null) await p.cluster.stop();
  });
  for (const n of [2, 3, 4]) {
    const p = await startPeer(n);
    cleanupAfter(t, p.dir, () => p.cluster);
    peers.push(p);
  }
  const [A, B, C] = peers as [Peer, Peer, Peer];

  // alice on A also has a web session, for the realtime socket.
  const session = await registerSession(A.url, "alice");
  const aliceToken = await getAccessToken(A.url, A.client, "alice", PASSWORD);
  const aliceProfile = await call({ peer: A, creds: userCreds(A.client, aliceToken) } as PeerUser, "GET", "/api/user/alice/profile");
  const alice: PeerUser = { nickname: "alice", peer: A, creds: userCreds(A.client, aliceToken), id: aliceProfile.body.id, acct: `acct:alice@${A.host}` };
  const bob = await user(B, "bob");
  const dave = await user(B, "dave");
  const carol = await user(C, "carol");

  await t.test("alice@A and carol@C follow bob@B by his acct: id", async () => {
    await post(alice, { verb: "follow", object: { id: bob.acct, objectType: "person" } });
    await post(carol, { verb: "follow", object: { id: bob.acct, objectType: "person" } });
    await eventually("bob's followers on B", async () => {
      const f = await ids(bob, "followers");
      return f.includes(alice.id) && f.includes(carol.id) ? f : undefined;
    });
  });

  let publicNote: any;
  await t.test("bob's public and followers-only posts reach A's inbox and A's realtime stream", async () => {
    const socket = await Client.open(`ws://${A.host}/main/realtime`, { Origin: A.url, Cookie: session.cookie });
    t.after(() => socket.close());
    await socket.follow(`${A.url}/api/user/alice/inbox/major`);
    const pub = await post(bob, { verb: "post", to: [PUBLIC], object: { objectType: "note", content: "public from B" } });
    const friends = await post(bob, { verb: "post", object: { objectType: "note", content: "followers only from B" } });
    await eventually("both in alice's inbox", async () => {
      const got = await ids(alice, "inbox");
      return got.includes(pub.id) && got.includes(friends.id) ? got : undefined;
    });
    const inbox = await items(alice, "/api/user/alice/inbox?count=20");
    assert.equal(inbox.find((a) => a.id === friends.id).object.content, "followers only from B");
    const pushed = new Set<string>();
    while (!(pushed.has("public from B") && pushed.has("followers only from B"))) {
      pushed.add(contentOf(await socket.next((m) => m.cmd === "update")));
    }
    await eventually("carol's inbox on C", async () => ((await ids(carol, "inbox")).includes(friends.id) ? true : undefined));
    publicNote = pub.object;
  });

  await t.test("alice replies, likes and shares: B sees the reply, the count and the share", async () => {
    const to = [{ id: bob.acct, objectType: "person" }];
    const reply = await post(alice, { verb: "post", to, object: { objectType: "comment", content: "a reply from A", inReplyTo: { id: publicNote.id, objectType: "note" } } });
    await post(alice, { verb: "favorite", to, object: { id: publicNote.id, objectType: "note" } });
    await post(alice, { verb: "share", to, object: { id: publicNote.id, objectType: "note" } });
    const seen = await eventually("the reply, like and share on B", async () => {
      const res = await call(bob, "GET", pathOf(publicNote.links?.self?.href ?? publicNote.id));
      const o = res.body;
      return o?.replies?.totalItems === 1 && o?.likes?.totalItems === 1 && o?.shares?.totalItems === 1 ? o : undefined;
    });
    const replies = await items(bob, pathOf(seen.replies.url));
    assert.deepEqual(replies.map((r) => r.id), [reply.object.id]);
    assert.equal(replies[0].content, "a reply from A");
    assert.deepEqual((await items(bob, pathOf(seen.likes.url))).map((p) => p.id), [alice.id]);
    assert.deepEqual((await items(bob, pathOf(seen.shares.url))).map((p) => p.id), [alice.id]);
  });

  await t.test("a private post to one remote person reaches only that person", async () => {
    const secret = await post(bob, { verb: "post", to: [{ id: alice.acct, objectType: "person" }], object: { objectType: "note", content: "only for alice" } });
    const marker = await post(bob, { verb: "post", to: [PUBLIC], object: { objectType: "note", content: "marker after the secret" } });
    await eventually("the secret in alice's inbox", async () => ((await ids(alice, "inbox/direct")).includes(secret.id) ? true : undefined));
    await eventually("the marker in carol's inbox", async () => ((await ids(carol, "inbox")).includes(marker.id) ? true : undefined));
    assert.ok(!(await ids(carol, "inbox")).includes(secret.id), "carol (a follower) never got the private post");
  });

  await t.test("a post to a list reaches its remote members", async () => {
    const lists = await items(bob, "/api/user/bob/lists/person");
    const friends = lists.find((l) => l.displayName === "Friends");
    const added = await call(bob, "POST", pathOf(friends.members.url), { id: carol.acct, objectType: "person" });
    assert.equal(added.status, 200, added.text);
    const listed = await post(bob, { verb: "post", to: [{ id: friends.id, objectType: "collection" }], object: { objectType: "note", content: "for my friends list" } });
    await eventually("the list post in carol's inbox on C", async () => ((await ids(carol, "inbox")).includes(listed.id) ? true : undefined));
  });

  await t.test("unfollowing stops delivery", async () => {
    await post(alice, { verb: "stop-following", object: { id: bob.acct, objectType: "person" } });
    await eventually("alice gone from bob's followers", async () => ((await ids(bob, "followers")).includes(alice.id) ? undefined : true));
    const after = await post(bob, { verb: "post", to: [PUBLIC], object: { objectType: "note", content: "after the unfollow" } });
    await eventually("carol still gets it", async () => ((await ids(carol, "inbox")).includes(after.id) ? true : undefined));
    // A later direct post to alice arrives: anything for her that was queued before it has been sent too.
    const direct = await post(bob, { verb: "post", to: [{ id: alice.acct, objectType: "person" }], object: { objectType: "note", content: "direct after" } });
    await eventually("the direct post", async () => ((await ids(alice, "inbox")).includes(direct.id) ? true : undefined));
    assert.ok(!(await ids(alice, "inbox")).includes(after.id), "no public post after the unfollow");
  });

  await t.test("group posts reach members on other servers, and a remote member's post reaches local members", async () => {
    const made = await post(bob, { verb: "create", to: [PUBLIC], object: { objectType: "group", displayName: "Hikers" } });
    const group = { id: made.object.id, objectType: "group" };
    await post(dave, { verb: "join", object: group });
    await post(alice, { verb: "join", object: group });
    await eventually("alice a member on B", async () => {
      const m = await items(bob, `${pathOf(made.object.members.url)}?count=50`);
      return m.some((p) => p.id === alice.id) ? true : undefined;
    });
    const fromB = await post(bob, { verb: "post", to: [group], object: { objectType: "note", content: "hike on Sunday" } });
    await eventually("the group post in alice's inbox on A", async () => ((await ids(alice, "inbox")).includes(fromB.id) ? true : undefined));
    const fromA = await post(alice, { verb: "post", to: [group], object: { objectType: "note", content: "count me in" } });
    await eventually("alice's group post in dave's inbox on B", async () => ((await ids(dave, "inbox")).includes(fromA.id) ? true : undefined));
    const ginbox = await items(dave, pathOf(made.object.links["activity-inbox"].href));
    assert.ok(ginbox.some((a) => a.id === fromA.id));
  });
});
