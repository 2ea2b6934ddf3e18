// The promise facade: find() turns only "no such thing" into null.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Databank } from "databank";
import { Bank, NotConnectedError, openBank } from "../../lib/databank";

test("find returns the value, or null when there is none", async (t) => {
  const bank = await openBank({ driver: "memory", params: {}, schema: {} });
  t.after(() => bank.disconnect());
  await bank.create("thing", "a", { n: 1 });
  assert.deepEqual(await bank.find("thing", "a"), { n: 1 });
  assert.equal(await bank.find("thing", "missing"), null);
});

test("find passes every other error on", async () => {
  const unconnected = new Bank(Databank.get("memory", {}), "memory");
  await assert.rejects(unconnected.find("thing", "a"), (e) => e instanceof NotConnectedError);
});
