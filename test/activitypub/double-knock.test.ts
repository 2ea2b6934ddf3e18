/** The per-host memory of double-knocking: bounded (oldest dropped first) and expiring. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FIRST_KNOCK, KnockMemory, otherSpec } from "../../lib/activitypub/double-knock";

test("RFC 9421 is the first knock, draft-cavage the second", () => {
  assert.equal(FIRST_KNOCK, "rfc9421");
  assert.equal(otherSpec(FIRST_KNOCK), "cavage");
});

test("remembers per host, drops the oldest when full, forgets on request", () => {
  const m = new KnockMemory(2, 60_000);
  m.remember("a.example", "cavage");
  m.remember("b.example", "rfc9421");
  assert.equal(m.get("a.example"), "cavage");
  m.remember("c.example", "cavage");
  assert.equal(m.get("a.example"), undefined);
  assert.equal(m.get("b.example"), "rfc9421");
  m.forget("b.example");
  assert.equal(m.get("b.example"), undefined);
});

test("entries expire", () => {
  const m = new KnockMemory(10, -1);
  m.remember("a.example", "cavage");
  assert.equal(m.get("a.example"), undefined);
});
