import { test } from "node:test";
import assert from "node:assert/strict";
import { Bank } from "../../lib/databank/bank";
import { TxBank } from "../../lib/databank/transaction";
import { CLIENT, NOBODY, follow, openTestEngine, register } from "./support";

/**
 * Records the storage calls made through the real bank (not through a
 * transaction's buffer) while `work` runs, as "method type ids".
 */
async function callsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  const proto = Bank.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = Object.getOwnPropertyNames(Bank.prototype).filter((n) => n !== "constructor" && typeof Object.getOwnPropertyDescriptor(Bank.prototype, n)?.value === "function");
  const originals = new Map(names.map((n) => [n, proto[n]!]));
  for (const [n, orig] of originals) {
    if (n === "call") continue;
    proto[n] = function (this: Bank, ...args: unknown[]) {
      if (!(this instanceof TxBank)) calls.push(`${n} ${String(args[0])} ${Array.isArray(args[1]) ? args[1].join(",") : String(args[1])}`);
      return orig.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [n, orig] of originals) proto[n] = orig;
  }
  return calls;
}

test("a post reads the poster's person once (the self check's), checks no minted id, and reads back nothing it stored", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice", "bob");
  await follow(engine, "bob", "alice");
  let act: any;
  const calls = await callsDuring(async () => {
    const profile = (await engine.storedProfile("alice"))!;
    act = await engine.postActivity("alice", { verb: "post", object: { objectType: "note", content: "hi" } }, CLIENT, { profile });
  });
  const person = engine.personId("alice");
  const note: string = act.object.id;
  // Up to the delivery job (stored with the post): the self check's read, then one batched read of the
  // objects the activity names that the post had not read or made (the client, the followers collection).
  const beforeJob = calls.slice(0, calls.findIndex((c) => / job /.test(c)));
  assert.deepEqual(beforeJob, [
    `find activityobject ${person}`,
    `readAll activityobject ${CLIENT.id},http://social.example/api/user/alice/followers`,
  ]);
  // Neither the note nor the activity is read back for the answer, nor checked before it is created.
  assert.ok(!calls.some((c) => /^(find|read) /.test(c) && (c.includes(` ${note}`) || c.endsWith(` ${act.id}`) && !/^find activity /.test(c))), calls.join("\n"));
  assert.ok(!calls.some((c) => /^readAll activityobject/.test(c) && c.includes(note)), calls.join("\n"));
  assert.ok(!calls.some((c) => /^find (objectpost|uuidindex) /.test(c)), calls.join("\n"));
  assert.ok(!calls.some((c) => /^indexOf stream user\/alice\//.test(c)), "the poster's streams are not searched for an id minted just now");
  // The answer's embed guard reads no post for what the viewer wrote (the note, the followers collection).
  assert.deepEqual(calls.filter((c) => /^readAll objectpost /.test(c)), [`readAll objectpost ${CLIENT.id}`]);
  // Counting a stream never written (alice's followers' feeds) builds no NoSuchThingError: no single `length`.
  assert.ok(!calls.some((c) => /^length /.test(c)), calls.join("\n"));
  assert.equal(act.object.content, "hi");
});

test("a profile read reads the person once (its counts do not read it again to find the nickname)", async (t) => {
  const env = await openTestEngine();
  t.after(() => env.close());
  const { engine } = env;
  await register(engine, "alice");
  const person = engine.personId("alice");
  let profile: any;
  const calls = await callsDuring(async () => {
    profile = await engine.getProfile("alice", NOBODY);
  });
  assert.equal(calls.filter((c) => c === `find activityobject ${person}` || (c.startsWith("readAll activityobject ") && c.includes(person))).length, 1, calls.join("\n"));
  assert.equal(profile.followers.totalItems, 0);
  assert.equal(typeof profile.favorites.totalItems, "number");
});
