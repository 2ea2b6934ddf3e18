import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../../lib/errors";
import { parsePageArgs } from "../../lib/model/paging";
import { Stream } from "../../lib/model/stream";
import { openTestBank } from "../activity/support";

function bad(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  };
}

test("paging arguments: defaults and the exact 400 texts", () => {
  assert.deepEqual(parsePageArgs({}), { count: 20, offset: 0 });
  assert.deepEqual(parsePageArgs({ count: "0" }), { count: 0, offset: 0 });
  assert.deepEqual(parsePageArgs({ count: "200", offset: "5" }), { count: 200, offset: 5 });
  for (const count of ["-1", "201", "1.5", "ten", ""]) {
    assert.throws(() => parsePageArgs({ count }), bad("Count must be between 0 and 200"), count);
  }
  for (const offset of ["-1", "x", "2.5"]) {
    assert.throws(() => parsePageArgs({ offset }), bad("Offset must be an integer greater than or equal to zero"));
  }
  assert.throws(() => parsePageArgs({ offset: "1", before: "a" }), bad("Can't have both 'before' and 'offset' parameters"));
  assert.throws(() => parsePageArgs({ offset: "1", since: "a" }), bad("Can't have both 'since' and 'offset' parameters"));
  assert.throws(() => parsePageArgs({ before: "a", since: "b" }), bad("Can't have both 'before' and 'since' parameters"));
  assert.throws(() => parsePageArgs({ before: "" }), bad(" is null"));
  assert.deepEqual(parsePageArgs({ since: "x", q: "bo" }), { count: 20, since: "x", q: "bo" });
});

test("stream slices match api.md §6 exactly", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const stream = new Stream(bank, "test/slices");
  for (let i = 0; i < 100; i++) await stream.add(`item-${i}`);
  // F is newest-first: F[0] is the last added
  const F = Array.from({ length: 100 }, (_, i) => `item-${99 - i}`);
  const page = async (q: Record<string, string>) => (await stream.page(parsePageArgs(q))).ids;

  assert.equal(await stream.count(), 100);
  assert.deepEqual(await page({}), F.slice(0, 20));
  assert.deepEqual(await page({ offset: "50" }), F.slice(50, 70));
  assert.deepEqual(await page({ since: F[25]! }), F.slice(5, 25));
  assert.deepEqual(await page({ since: F[5]! }), F.slice(0, 5));
  assert.deepEqual(await page({ before: F[25]! }), F.slice(26, 46));
  assert.deepEqual(await page({ before: F[35]!, count: "50" }), F.slice(36, 86));
  assert.deepEqual(await page({ offset: "150" }), []);
  assert.deepEqual(await page({ count: "0" }), []);
  await assert.rejects(page({ before: "nonesuch" }), bad("id 'nonesuch' not found in stream 'test/slices'"));
  await assert.rejects(page({ since: "nonesuch" }), bad("id 'nonesuch' not found in stream 'test/slices'"));

  // following "before" from the first page visits every item once
  const seen: string[] = [];
  let ids = await page({});
  while (ids.length > 0) {
    seen.push(...ids);
    ids = await page({ before: ids[ids.length - 1]! });
  }
  assert.deepEqual(seen, F);
});

test("filtered pages keep the same cursors and skip hidden items", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const stream = new Stream(bank, "test/filtered");
  for (let i = 0; i < 60; i++) await stream.add(`i${i}`);
  const even = async (ids: string[]) => ids.map((id) => Number(id.slice(1)) % 2 === 0);
  const F = Array.from({ length: 60 }, (_, i) => `i${59 - i}`);
  const E = F.filter((id) => Number(id.slice(1)) % 2 === 0);
  assert.deepEqual((await stream.filteredPage(parsePageArgs({ count: "5" }), even)).ids, E.slice(0, 5));
  assert.deepEqual((await stream.filteredPage(parsePageArgs({ count: "5", offset: "3" }), even)).ids, E.slice(3, 8));
  assert.deepEqual((await stream.filteredPage(parsePageArgs({ count: "5", before: "i40" }), even)).ids, ["i38", "i36", "i34", "i32", "i30"]);
  assert.deepEqual((await stream.filteredPage(parsePageArgs({ count: "3", since: "i40" }), even)).ids, ["i46", "i44", "i42"]);
  assert.equal((await stream.filteredPage(parsePageArgs({}), even)).total, 60);
});

test("remove, has and an empty stream", async (t) => {
  const { bank, close } = await openTestBank();
  t.after(close);
  const stream = new Stream(bank, "test/remove");
  assert.equal(await stream.count(), 0);
  assert.deepEqual((await stream.page(parsePageArgs({}))).ids, []);
  await stream.add("a");
  await stream.add("b");
  assert.equal(await stream.has("a"), true);
  await stream.remove("a");
  assert.equal(await stream.has("a"), false);
  await assert.rejects(stream.remove("a"), bad("id 'a' not found in stream 'test/remove'"));
  assert.deepEqual(await stream.all(), ["b"]);
});
