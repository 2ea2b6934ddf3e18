/**
 * Reads write nothing: a 2-legged (client-only) GET of a feed, a profile
 * or an activity stores only its OAuth nonce (the replay check), and a
 * 3-legged GET of the inbox the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Bank } from "../../lib/databank/bank";
import { postNote, startApi } from "./support";
import { settle } from "../support/settle";

const WRITES = ["create", "update", "save", "del", "incr", "decr", "incrBy", "decrBy", "append", "prepend", "appendAll", "prependAll", "remove", "removeAll", "truncate"];

/** The bank writes made while `work` runs, as "method type" (a spy on the real bank). */
async function writesDuring(bank: Bank, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const own = bank as unknown as Record<string, unknown>;
  for (const name of WRITES) {
    const orig = (Bank.prototype as any)[name] as (...a: unknown[]) => unknown;
    if (typeof orig !== "function") continue;
    own[name] = function (this: Bank, type: string, ...rest: unknown[]) {
      seen.push(`${name} ${type}`);
      return orig.call(this, type, ...rest);
    };
  }
  try {
    await work();
  } finally {
    for (const name of WRITES) delete own[name];
  }
  return seen;
}

test("a 2-legged GET of a feed, a profile or an activity writes only its OAuth nonce; so does the owner's inbox", async (t) => {
  const api = await startApi();
  t.after(() => api.close());
  const alice = await api.user("alice");
  const act = await postNote(api, alice, "hello", { to: [{ objectType: "collection", id: "http://activityschema.org/collection/public" }] });
  await postNote(api, alice, "followers only");
  await settle(api.server.url);
  const bank = api.server.worker.bank;
  const activityPath = new URL(act.id).pathname;
  for (const [creds, path] of [
    [api.anon, "/api/user/alice/feed?count=20"],
    [api.anon, "/api/user/alice/feed?count=20"],
    [api.anon, "/api/user/alice/profile"],
    [api.anon, activityPath],
    [alice.creds, "/api/user/alice/inbox?count=20"],
  ] as const) {
    const writes = await writesDuring(bank, () => api.ok(creds, "GET", path));
    assert.deepEqual(writes, ["create nonce"], `GET ${path}`);
  }
});
