// Uploads on a real bin/pump with two workers: a file uploaded through one
// worker is served by every worker (they share datadir). Downloads go over
// fresh connections, several at once (the workers accept from one kernel
// queue, so which one takes a connection is the kernel's choice), until
// the request log shows both workers answered; bounded by a batch count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanupAfter, startCluster, tempDir, type Cluster } from "../cluster/support";
import { registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";
import { download, png, postFile } from "../uploads/support";

test("every worker serves a file uploaded through any worker", { timeout: 120_000 }, async (t) => {
  const dir = tempDir("pump-uploads-");
  let cluster: Cluster | undefined;
  cleanupAfter(t, dir, () => cluster);
  cluster = await startCluster({ dir, config: { children: 2, driver: "sqlite", enableUploads: true } });
  const c = cluster;
  assert.equal(c.workerPids().length, 2);
  const client = await registerClient(c.url);
  const alice = await registerUser(c.url, client, "alice", "white*rabbit");
  const creds = userCreds(client, alice.token);
  const up = await postFile(c.url, creds, "/api/user/alice/uploads", await png(400, 300), "image/png");
  assert.equal(up.status, 200, up.text);
  const posted = await signedRequest(c.url, creds, "POST", "/api/user/alice/feed", {
    verb: "post",
    object: { id: up.body.id, objectType: "image" },
    to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }],
  });
  assert.equal(posted.status, 200, posted.text);

  const path = new URL(up.body.image.url).pathname;
  const servedBy = (): Set<unknown> => new Set(c.logs().filter((l) => l.url === path && l.status === 200).map((l) => l.pid));
  for (let batch = 0; batch < 20 && servedBy().size < 2; batch++) {
    const got = await Promise.all(Array.from({ length: 8 }, () => download(c.url, up.body.image.url, null, { Connection: "close" })));
    for (const g of got) assert.equal(g.status, 200);
    // The request log line is written when the answer is finished: give it a turn to arrive.
    await new Promise((r) => setTimeout(r, 20));
  }
  const denied = c.logs().filter((l) => l.url === path && l.status !== 200);
  assert.deepEqual(denied, [], "every download answered 200");
  assert.equal(servedBy().size, 2, `served by workers ${[...servedBy()].join(", ")}`);
});
