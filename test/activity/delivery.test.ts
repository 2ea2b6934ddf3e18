import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import { createEngine, type Engine } from "../../lib/activity";
import { JOB_TYPE } from "../../lib/queue/schema";
import { localProfile } from "../../lib/model/user-profile";
import type { AS } from "../../lib/model/as";
import { CLIENT, openTestBank, register, viewer } from "./support";

const urls = new UrlMaker({ hostname: "social.example", urlPort: 80, urlPath: null });

function engineOver(bank: Parameters<typeof createEngine>[0]["bank"], remote?: AS[][]): Engine {
  return createEngine({
    bank,
    urls,
    config: { site: "Test Site" },
    log: silentLogger(),
    delivery: "background",
    remote: remote ? { deliver: async (act, recipients) => void remote.push([act, ...recipients]) } : null,
  });
}

async function jobs(bank: Parameters<typeof createEngine>[0]["bank"]): Promise<number> {
  let n = 0;
  await bank.scan(JOB_TYPE, () => n++);
  return n;
}

test("background delivery fills inboxes after the post returns; drain waits for it", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const engine = engineOver(bank);
  await register(engine, "alice", "bob");
  await engine.queue.drain();
  const act = await engine.postActivity("alice", { object: { objectType: "note", content: "hi" }, to: [{ objectType: "person", id: engine.personId("bob") }] }, CLIENT);
  await engine.queue.drain();
  const inbox = await engine.streams.inbox("bob", "inbox/direct", {}, viewer(engine, "bob"));
  assert.equal(inbox.items[0].id, act.id);
  assert.equal(await jobs(bank), 0, "finished jobs are removed");
});

test("a job left by a stopped queue is delivered by recover() on a new engine", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const first = engineOver(bank);
  await register(first, "alice", "bob");
  await first.queue.close();
  const act = await first.postActivity("alice", { object: { objectType: "note", content: "later" }, to: [{ objectType: "person", id: first.personId("bob") }] }, CLIENT);
  assert.equal(await jobs(bank), 1);
  const bobInbox = async (e: Engine) => (await e.streams.inbox("bob", "inbox", {}, viewer(e, "bob"))).items.map((a: AS) => a.id);
  assert.ok(!(await bobInbox(first)).includes(act.id));

  const second = engineOver(bank);
  assert.equal(await second.queue.recover(), 1);
  await second.queue.drain(); // recover() starts leftover jobs; it does not hold up the worker's start
  assert.ok((await bobInbox(second)).includes(act.id));
  assert.equal(await jobs(bank), 0);
  await second.queue.close();
});

test("remote recipients go to the remote delivery hook without bto/bcc", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const sent: AS[][] = [];
  const engine = engineOver(bank, sent);
  await register(engine, "alice");
  await engine.postActivity(
    "alice",
    {
      object: { objectType: "note", content: "hi" },
      to: [{ objectType: "person", id: "acct:sam@remote.example" }],
      bcc: [{ objectType: "person", id: "acct:frodo@remote.example" }],
    },
    CLIENT,
  );
  await engine.queue.drain();
  assert.equal(sent.length, 1);
  const [act, ...recipients] = sent[0]!;
  assert.equal(act!.verb, "post");
  assert.equal(act!.bcc, undefined);
  assert.equal(act!.bto, undefined);
  const ids = recipients.map((r) => r.id).sort();
  assert.deepEqual(ids, ["acct:frodo@remote.example", "acct:sam@remote.example"]);
  await engine.queue.close();
});

test("a remote activity is stored under its id, placed in the inbox, and checked against the principal", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const engine = engineOver(bank);
  await register(engine, "alice");
  const sam = { objectType: "person", id: "acct:sam@remote.example", displayName: "Sam" };
  const body = {
    id: "http://remote.example/activity/1",
    actor: sam,
    verb: "post",
    object: { objectType: "note", id: "http://remote.example/note/1", content: "hello <script>x()</script>alice" },
    to: [{ objectType: "person", id: engine.personId("alice") }],
  };
  await assert.rejects(
    engine.receiveRemote("alice", body, { id: "acct:frodo@remote.example", kind: "webfinger" }),
    (e: unknown) => e instanceof Error && /Actor is invalid/.test(e.message),
  );
  const got = await engine.receiveRemote("alice", body, { id: "acct:sam@remote.example", kind: "webfinger" });
  assert.equal(got.id, body.id);
  assert.ok(got.received);
  assert.equal(got.object.content, "hello alice");
  const direct = await engine.streams.inbox("alice", "inbox/direct", {}, viewer(engine, "alice"));
  assert.equal(direct.items[0].id, body.id);
  // redelivery reuses the stored activity
  const again = await engine.receiveRemote("alice", { ...body, content: "changed" }, { id: "acct:sam@remote.example", kind: "webfinger" });
  assert.equal(again.content, got.content);
  await engine.queue.close();
});

test("by default a post answers before its fan-out; the poster's own outbox and inbox are filled first", { timeout: 60_000 }, async (t) => {
  const { bank, close } = await openTestBank();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let remoteStarted = false;
  // No `delivery` option: the default. The remote hook holds the job until released.
  const engine = createEngine({
    bank,
    urls,
    config: { site: "Test Site" },
    log: silentLogger(),
    remote: {
      deliver: async () => {
        remoteStarted = true;
        await gate;
      },
    },
  });
  t.after(async () => {
    release();
    await engine.queue.close();
    await close();
  });
  await register(engine, "alice", "bob");
  await engine.queue.drain();
  const act = await engine.postActivity(
    "alice",
    { object: { objectType: "note", content: "held" }, to: [{ objectType: "person", id: "acct:sam@remote.example" }, { objectType: "person", id: engine.personId("bob") }] },
    CLIENT,
  );
  // The post has answered although its delivery job cannot finish yet.
  const ids = async (nick: string, kind: "feed" | "inbox") =>
    (kind === "feed" ? await engine.streams.feed(nick, "feed", {}, viewer(engine, nick)) : await engine.streams.inbox(nick, "inbox", {}, viewer(engine, nick))).items.map(
      (a: AS) => a.id,
    );
  assert.ok((await ids("alice", "feed")).includes(act.id), "the poster's outbox has it at once");
  assert.ok((await ids("alice", "inbox")).includes(act.id), "the poster's inbox has it at once");
  assert.equal(await jobs(bank), 1, "its delivery job is stored");
  release();
  await engine.queue.drain();
  assert.ok(remoteStarted);
  assert.ok((await ids("bob", "inbox")).includes(act.id), "the queue filled bob's inbox");
  assert.equal(await jobs(bank), 0);
});

test("a fan-out to 1,000 followers is a few batched storage calls, not several per follower", { timeout: 120_000 }, async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const engine = engineOver(bank);
  await register(engine, "alice");
  const followers = Array.from({ length: 1000 }, (_, i) => `f${i}`);
  for (const nickname of followers) {
    // A registered person as delivery looks it up, and alice's followers stream.
    await engine.ctx.objects.save({ ...localProfile({ nickname }, urls), _nickname: nickname });
    await engine.ctx.userStream("alice", "followers").add(engine.personId(nickname));
  }
  await engine.queue.drain();
  // Every call the driver instance receives while the job runs (the real SQLite driver, counted).
  const raw = bank.raw as unknown as Record<string, unknown>;
  const proto = Object.getPrototypeOf(raw) as Record<string, unknown>;
  let calls = 0;
  for (const name of ["read", "readAll", "create", "save", "update", "del", "search", "append", "appendAll", "indexOf", "length", "slice", "lengthAll", "appendToManyIfAbsent"]) {
    const fn = proto[name] ?? raw[name];
    if (typeof fn !== "function") continue;
    raw[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return (fn as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  const act = await engine.postActivity("alice", { object: { objectType: "note", content: "to all" }, to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }] }, CLIENT);
  const before = calls;
  await engine.queue.drain();
  const fanout = calls - before;
  for (const f of [followers[0]!, followers[500]!, followers[999]!]) {
    assert.equal(await engine.ctx.userStream(f, "inbox").has(act.id), true, f);
    assert.equal(await engine.ctx.userStream(f, "inbox/major").has(act.id), true, f);
  }
  assert.ok(fanout < 100, `${fanout} storage calls for 1,000 followers`);
});
