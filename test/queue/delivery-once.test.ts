// The reproduction: every worker recovers at start; before the job
// queue, two workers each delivered a leftover activity, so it was in the
// inbox twice. Now a job is claimed once, and delivery is idempotent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import { createEngine, type Engine } from "../../lib/activity";
import type { Bank } from "../../lib/databank";
import { CLIENT, register, viewer } from "../activity/support";
import { connect, sharedFile } from "./support";

const urls = new UrlMaker({ hostname: "social.example", urlPort: 80, urlPath: null });
const engineOver = (bank: Bank): Engine =>
  createEngine({ bank, urls, config: { site: "Test" }, log: silentLogger(), delivery: "background" });

async function inboxIds(engine: Engine, nick: string): Promise<string[]> {
  const page = await engine.streams.inbox(nick, "inbox", { count: "200" }, viewer(engine, nick));
  return page.items.map((a: { id: string }) => a.id);
}

test("a leftover delivery recovered by two workers at once lands in the inbox once", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const [bankA, bankB] = [await connect(shared.file), await connect(shared.file)];
  t.after(async () => {
    await bankA.disconnect();
    await bankB.disconnect();
  });
  const first = engineOver(bankA);
  await register(first, "alice", "bob");
  await first.queue.drain();
  await first.queue.close(); // the job is stored, never run: a worker that stopped
  const posted = [];
  for (let i = 0; i < 10; i++) {
    posted.push(await first.postActivity("alice", { object: { objectType: "note", content: `n${i}` }, to: [{ objectType: "person", id: first.personId("bob") }] }, CLIENT));
  }
  const [a, b] = [engineOver(bankA), engineOver(bankB)];
  await Promise.all([a.queue.recover(), b.queue.recover(), a.queue.recover(), b.queue.recover()]);
  await Promise.all([a.queue.drain(), b.queue.drain()]);
  const ids = await inboxIds(a, "bob");
  for (const act of posted) assert.equal(ids.filter((id) => id === act.id).length, 1, `${act.id} once`);
  await Promise.all([a.queue.close(), b.queue.close()]);
});

test("delivering the same activity again (a retried job) adds nothing twice", async (t) => {
  const shared = sharedFile();
  t.after(shared.remove);
  const bank = await connect(shared.file);
  t.after(() => bank.disconnect());
  const engine = engineOver(bank);
  await register(engine, "alice", "bob");
  const act = await engine.postActivity("alice", { object: { objectType: "note", content: "once" }, to: [{ objectType: "person", id: engine.personId("bob") }] }, CLIENT);
  await engine.queue.drain();
  // The job finished and was removed; enqueueing it again is a second run of the same work.
  await engine.queue.enqueue(act.id);
  await engine.queue.drain();
  for (const kind of ["inbox", "inbox/direct", "inbox/major"] as const) {
    const page = await engine.streams.inbox("bob", kind, {}, viewer(engine, "bob"));
    assert.equal(page.items.filter((x: { id: string }) => x.id === act.id).length, 1, kind);
  }
  await engine.queue.close();
});
