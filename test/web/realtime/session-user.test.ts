import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { cookieValue, unsignSessionId } from "../../../lib/web/realtime/session-user";

const SECRET = "a secret long enough";
const sign = (sid: string, secret = SECRET) => `s:${sid}.${createHmac("sha256", secret).update(sid).digest("base64").replace(/=+$/, "")}`;

test("reads one cookie out of a Cookie header, URI-decoded", () => {
  const header = `a=1; pump.sid=${encodeURIComponent(sign("abc"))}; b="2"`;
  assert.equal(cookieValue(header, "pump.sid"), sign("abc"));
  assert.equal(cookieValue(header, "b"), "2");
  assert.equal(cookieValue(header, "pump"), null);
  assert.equal(cookieValue(undefined, "pump.sid"), null);
  assert.equal(cookieValue("pump.sid=%E0%A4%A", "pump.sid"), null);
});

test("accepts only a session id signed with the site secret", () => {
  assert.equal(unsignSessionId(sign("the-sid"), SECRET), "the-sid");
  assert.equal(unsignSessionId(sign("the-sid", "another secret"), SECRET), null);
  assert.equal(unsignSessionId(sign("the-sid").replace("the-sid", "other-sid"), SECRET), null);
  assert.equal(unsignSessionId("the-sid", SECRET), null, "unsigned");
  assert.equal(unsignSessionId("s:no-dot", SECRET), null);
});
