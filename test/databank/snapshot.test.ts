import { test } from "node:test";
import assert from "node:assert/strict";
import { snapshot } from "../../lib/databank/snapshot";

// The shortcuts must give exactly what the JSON round trip (a store's write and read) gives.
test("snapshot gives what JSON's round trip gives, as a value of its own", () => {
  const sparse: unknown[] = [];
  sparse[1] = "a";
  const cases: unknown[] = ["s", "", 0, -1.5, NaN, Infinity, true, false, null, undefined, [], ["a", "b"], sparse, ["a", 1, null], [undefined], { a: [1, { b: undefined }], c: "x" }];
  for (const v of cases) {
    const expected = v === undefined ? null : JSON.parse(JSON.stringify(v) ?? "null");
    assert.deepEqual(snapshot(v), expected, String(v));
  }
  const ids = ["x", "y"];
  const copy = snapshot(ids);
  ids.push("z");
  assert.deepEqual(copy, ["x", "y"]);
  const obj = { tags: ["t"] };
  const objCopy = snapshot(obj);
  obj.tags.push("u");
  assert.deepEqual(objCopy, { tags: ["t"] });
});
