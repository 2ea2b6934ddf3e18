// A post's writes are stored together or not at all (one transaction):
// a failure half-way leaves no object, activity, outbox entry or job.
import { test } from "node:test";
import assert from "node:assert/strict";
import { streamNames } from "../../lib/model/stream";
import { CLIENT, openTestEngine, register } from "./support";

async function count(bank: import("../../lib/databank").Bank, type: string, keep: (v: any) => boolean): Promise<number> {
  let n = 0;
  await bank.scan(type, (v) => {
    if (keep(v)) n++;
  });
  return n;
}

test("a post that fails half-way stores nothing; a good one lands once in outbox and inbox", async (t) => {
  const { engine, bank, close } = await openTestEngine();
  t.after(close);
  await register(engine, "alice");
  const feed = streamNames.user("alice", "feed");
  const inbox = streamNames.user("alice", "inbox");
  const feedBefore = await bank.length("stream", feed);
  const inbox2 = streamNames.user("alice", "inbox/major");
  // Break the last write of the post: alice's major inbox is not an array.
  const saved = await bank.slice("stream", inbox2, 0, await bank.length("stream", inbox2));
  await bank.del("stream", inbox2);
  await bank.save("stream", inbox2, { broken: true });
  await assert.rejects(engine.postActivity("alice", { verb: "post", object: { objectType: "note", content: "half" } }, CLIENT));
  assert.equal(await count(bank, "activityobject", (o) => o.content === "half"), 0, "no object stored");
  assert.equal(await count(bank, "activity", (a) => a.verb === "post" && /half/.test(String(a.content))), 0, "no activity stored");
  assert.equal(await bank.length("stream", feed), feedBefore, "nothing in the outbox");
  assert.equal(await count(bank, "job", () => true), 0, "no fan-out job");

  await bank.del("stream", inbox2);
  if (saved.length > 0) await bank.appendAll("stream", inbox2, saved);
  const act = await engine.postActivity("alice", { verb: "post", object: { objectType: "note", content: "whole" } }, CLIENT);
  const feedIds = await bank.slice<string>("stream", feed, 0, await bank.length("stream", feed));
  const inboxIds = await bank.slice<string>("stream", inbox, 0, await bank.length("stream", inbox));
  assert.equal(feedIds.filter((id) => id === act.id).length, 1);
  assert.equal(inboxIds.filter((id) => id === act.id).length, 1);
  assert.equal(await count(bank, "activityobject", (o) => o.content === "whole"), 1);
});
