// One site on two "machines": two real bin/pump masters (own ports, data
// dirs and control sockets) over one PostgreSQL database, both serving the
// same public URLs (as behind a load balancer). A post written on A reaches
// realtime sockets connected to B (LISTEN/NOTIFY, no master relay between
// them); B keeps serving while A does a rolling restart, nothing written is
// lost, and every delivery job runs once (each note lands in the
// follower's inbox exactly once, whichever machine ran its job).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter, isEvent, startCluster, tempDir, type Cluster } from "../cluster/support";
import { freePort } from "../support/server";
import { freshDatabase, skipPostgres } from "../support/postgres";
import { act, Client, contentOf, registerSession } from "../web/realtime/support";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";

test("two masters on one PostgreSQL: realtime crosses machines, a rolling restart loses nothing, each job runs once", { skip: skipPostgres, timeout: 300_000 }, async (t) => {
  const db = await freshDatabase("masters");
  t.after(db.drop);
  const dirA = tempDir("pump-pg-a-");
  const dirB = tempDir("pump-pg-b-");
  let a: Cluster | undefined;
  let b: Cluster | undefined;
  cleanupAfter(t, dirA, () => a);
  cleanupAfter(t, dirB, () => b);
  const portA = await freePort();
  // The site's public URLs are A's; B answers on its own address too (redirectAddressToCanonical is off).
  const site = { driver: "postgresql", params: { url: db.url }, children: 2, urlPort: portA };
  a = await startCluster({ dir: dirA, config: { ...site, port: portA } });
  b = await startCluster({ dir: dirB, config: site });
  const [A, B] = [a, b];

  const alice = await registerSession(A.url, "alice");
  const feed = `${A.url}/api/user/alice/feed/major`;
  const sockets: Client[] = [];
  for (let i = 0; i < 4; i++) {
    const s = await Client.open(`ws://127.0.0.1:${B.port}/main/realtime`, { Origin: A.url });
    await s.follow(feed);
    sockets.push(s);
  }
  await act(A.url, alice, "post", { content: "written on A", to: "public" });
  for (const s of sockets) assert.match(contentOf(await s.next((m) => m.cmd === "update")), /written on A/);
  for (const s of sockets) assert.deepEqual(s.updates(), [], "each update once");
  for (const s of sockets) s.close();

  // bob follows carol; carol posts through B while A restarts.
  const client = await registerClient(B.url, { application_name: "two masters" });
  const carol = await registerUser(B.url, client, "carol", "white*rabbit9");
  const bob = await registerUser(A.url, client, "bob", "white*rabbit9");
  const carolCreds = userCreds(client, carol.token);
  const bobCreds = userCreds(client, bob.token);
  const followed = await signedRequest(A.url, bobCreds, "POST", "/api/user/bob/feed", { verb: "follow", object: { objectType: "person", id: carol.user.profile.id } });
  assert.equal(followed.status, 200);

  A.pump.child.kill("SIGUSR2");
  const posted: string[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await signedRequest<{ id: string }>(B.url, carolCreds, "POST", "/api/user/carol/feed", { verb: "post", object: { objectType: "note", content: `during restart ${i}` } });
    assert.equal(res.status, 200, `post ${i}: ${res.status} ${res.text.slice(0, 200)}`);
    posted.push(res.body.id);
    await new Promise((r) => setTimeout(r, 150));
  }
  await A.waitForLogs(isEvent("restart-complete"), "A's rolling restart", 1, 180_000);

  // Every note is in bob's inbox exactly once (read through A, after its restart).
  const deadline = Date.now() + 30_000;
  let ids: string[] = [];
  for (;;) {
    const res = await signedRequest<{ items: { id: string }[] }>(A.url, bobCreds, "GET", "/api/user/bob/inbox/major?count=100");
    assert.equal(res.status, 200);
    ids = res.body.items.map((x) => x.id);
    if (posted.every((id) => ids.includes(id)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const id of posted) assert.equal(ids.filter((x) => x === id).length, 1, `${id} once in bob's inbox`);
});
