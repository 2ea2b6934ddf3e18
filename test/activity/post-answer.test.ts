import { writeFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bank } from "../../lib/databank";
import type { Engine } from "../../lib/activity";
import type { AS } from "../../lib/model/as";
import { streamNames } from "../../lib/model/stream";
import { CLIENT, follow, openTestEngine, register, uuidOf, viewer } from "./support";
import { GOLDEN } from "./post-answer.golden";

/*
 * What a POST answers and stores, pinned: the write path reads less than it
 * did (the poster's person once, objects it stored not read back for the
 * answer, no read before creating what it minted), and none of that may
 * change a byte of the answer or of what is stored. Volatile parts (uuids,
 * times) are masked; the golden values were captured from the code before
 * those changes.
 */

const PUBLIC = { objectType: "collection", id: "http://activityschema.org/collection/public" };

/** uuids and times replaced by stable names, in order of first appearance. */
export function mask(value: unknown): string {
  const names = new Map<string, string>();
  return JSON.stringify(value, null, 1)
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, "<time>")
    .replace(/(?<![\w-])[\w-]{22}(?![\w-])/g, (u) => {
      if (!names.has(u)) names.set(u, `<u${names.size + 1}>`);
      return names.get(u)!;
    });
}

/** Everything a post stores about itself: its records, index entries, and the poster's streams. */
async function written(bank: Bank, nick: string, act: AS): Promise<unknown> {
  const streams: Record<string, unknown> = {};
  for (const kind of ["feed", "feed/major", "feed/minor", "inbox", "inbox/major", "inbox/minor", "inbox/direct", "inbox/direct/major"] as const) {
    const name = streamNames.user(nick, kind);
    streams[kind] = await bank.slice("stream", name, 0, 100).catch(() => null);
  }
  const object = await bank.read("activityobject", act.object.id);
  return {
    activity: await bank.read("activity", act.id),
    object,
    post: await bank.read("objectpost", act.object.id),
    activityIndex: await bank.find("uuidindex", `activity/${uuidOf(act.id)}`),
    objectIndex: await bank.find("uuidindex", `${object.objectType}/${object._uuid}`),
    streams,
  };
}

type Case = { name: string; nick: string; body: Record<string, unknown>; client?: boolean; profile?: boolean };

const CASES: Case[] = [
  { name: "note, default addressing, profile handed in", nick: "alice", body: { verb: "post", object: { objectType: "note", content: "Hello, world!" } }, profile: true },
  {
    name: "public note with HTML",
    nick: "alice",
    body: { verb: "post", to: [PUBLIC], object: { objectType: "note", content: '<p>Hi <a href="http://x.example/" onclick="x()">there</a><script>bad()</script> &amp; more</p>' } },
  },
  { name: "note without a client", nick: "bob", body: { object: { objectType: "note", displayName: "A <b>title</b>", content: "plain & simple" } }, client: false },
  { name: "note with the client's own id", nick: "bob", body: { verb: "post", to: [PUBLIC], object: { objectType: "note", id: "http://elsewhere.example/notes/1", content: "foreign" } }, profile: true },
  { name: "list", nick: "alice", body: { verb: "create", object: { objectType: "collection", displayName: "Book club", objectTypes: ["person"] } }, profile: true },
];

async function run(engine: Engine, bank: Bank): Promise<{ answers: unknown[]; stored: unknown[]; reads: unknown[] }> {
  await register(engine, "alice", "bob");
  await follow(engine, "bob", "alice");
  const answers: unknown[] = [];
  const stored: unknown[] = [];
  const reads: unknown[] = [];
  const post = async (c: Case) => {
    const profile = c.profile ? ((await engine.storedProfile(c.nick)) ?? undefined) : undefined;
    return engine.postActivity(c.nick, c.body, c.client === false ? null : CLIENT, { profile });
  };
  for (const c of CASES) {
    const act = await post(c);
    answers.push(act);
    stored.push(await written(bank, c.nick, act));
    reads.push(await engine.getActivity(uuidOf(act.id), viewer(engine, c.nick)));
  }
  // A reply to alice's first note, by bob.
  const first = answers[0] as { object: { id: string; objectType: string } };
  const reply = await post({ name: "reply", nick: "bob", body: { verb: "post", object: { objectType: "comment", content: "Re!", inReplyTo: { id: first.object.id, objectType: "note" } } }, profile: true });
  answers.push(reply);
  stored.push(await written(bank, "bob", reply));
  reads.push(await engine.getActivity(uuidOf(reply.id), viewer(engine, "bob")));
  return { answers, stored, reads };
}

test("a post answers and stores exactly what it did before the write path read less", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { answers, stored, reads } = await run(env.engine, env.bank);
  // To capture anew (only ever from code known to be right): PUMP_GOLDEN_DUMP=file.json
  if (process.env.PUMP_GOLDEN_DUMP) {
    writeFileSync(process.env.PUMP_GOLDEN_DUMP, JSON.stringify({ answers: answers.map(mask), stored: stored.map(mask) }));
    return;
  }
  for (let i = 0; i < answers.length; i++) {
    const name = CASES[i]?.name ?? "reply";
    assert.equal(mask(answers[i]), GOLDEN.answers[i], `answer: ${name}`);
    assert.equal(mask(stored[i]), GOLDEN.stored[i], `stored: ${name}`);
    // The answer is the activity as its actor reads it back.
    assert.deepEqual(answers[i], reads[i], `read back: ${name}`);
  }
});
