import { test } from "node:test";
import assert from "node:assert/strict";
import type { StreamUpdate } from "../../lib/activity";
import { distribute } from "../../lib/activity/distribute";
import { follow, openTestEngine, postNote, register, uuidOf } from "./support";

test("a post announces the API URLs of every stream it went into (cluster.md §7)", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  await follow(engine, "bob", "alice");
  const seen: StreamUpdate[] = [];
  const stop = engine.onStreamUpdate((u) => seen.push(u));

  const note = await postNote(engine, "alice", "hello", { to: [{ objectType: "person", id: engine.personId("bob") }] });
  const base = engine.ctx.urls.base;
  assert.ok(seen.every((u) => u.activityId === note.id && u.uuid === uuidOf(note.id)));
  assert.deepEqual(
    seen.map((u) => u.url.slice(base.length)).sort(),
    [
      "/api/user/alice/feed",
      "/api/user/alice/feed/major",
      "/api/user/alice/inbox",
      "/api/user/alice/inbox/major",
      // To bob directly: his direct inbox too.
      "/api/user/bob/inbox",
      "/api/user/bob/inbox/direct",
      "/api/user/bob/inbox/direct/major",
      "/api/user/bob/inbox/major",
    ],
  );

  // A listener that throws does not fail the post; a stopped one hears nothing.
  stop();
  engine.onStreamUpdate(() => {
    throw new Error("broken listener");
  });
  seen.length = 0;
  await postNote(engine, "alice", "again");
  assert.equal(seen.length, 0);
});

test("a fan-out announces its followers' inbox streams in one batch (what the realtime bus publishes)", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  const followers = Array.from({ length: 30 }, (_, i) => `f${i}`);
  await register(engine, "alice", ...followers);
  for (const f of followers) await follow(engine, f, "alice");
  const batches: StreamUpdate[][] = [];
  engine.onStreamUpdates((updates) => batches.push(updates));
  const note = await postNote(engine, "alice", "hello all");
  const base = engine.ctx.urls.base;
  const expected = followers.flatMap((f) => [`/api/user/${f}/inbox`, `/api/user/${f}/inbox/major`]).sort();
  const fanout = batches.find((b) => b.some((u) => u.url.endsWith("/api/user/f0/inbox")));
  assert.ok(fanout);
  assert.deepEqual(fanout.map((u) => u.url.slice(base.length)).sort(), expected);
  assert.ok(fanout.every((u) => u.activityId === note.id));
  // Delivering again (a retried job) adds nothing, so announces nothing.
  batches.length = 0;
  await distribute(engine.ctx, (await engine.ctx.activities.get(note.id))!, null);
  assert.deepEqual(batches, []);
});

test("activityForViewer: the activity for its actor and recipients, null for others and for unknown ids", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob", "carol");
  const note = await postNote(engine, "alice", "just for bob", { to: [{ objectType: "person", id: engine.personId("bob") }] });
  const as = (nickname: string) => ({ nickname, personId: engine.personId(nickname) });
  assert.equal((await engine.activityForViewer(note.id, as("alice")))?.id, note.id);
  assert.equal((await engine.activityForViewer(note.id, as("bob")))?.object?.content, note.object.content);
  assert.equal(await engine.activityForViewer(note.id, as("carol")), null);
  assert.equal(await engine.activityForViewer(note.id, { nickname: null, personId: null }), null);
  assert.equal(await engine.activityForViewer(`${note.id}-nope`, as("alice")), null);
});
