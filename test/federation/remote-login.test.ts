// The small rules of the remote login: what counts as `user@host`, and how
// a page's CSP is widened for a form that ends at another site.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWebfinger } from "../../lib/federation/remote-login";
import { allowFormTarget } from "../../lib/http/security";

test("parseWebfinger accepts user@host[:port] (with or without acct:) and refuses the rest with 400", () => {
  assert.deepEqual(parseWebfinger("bob@Example.ORG"), { webfinger: "bob@example.org", host: "example.org" });
  assert.deepEqual(parseWebfinger(" acct:bob@127.0.0.6:8080 "), { webfinger: "bob@127.0.0.6:8080", host: "127.0.0.6:8080" });
  for (const bad of ["", "bob", "@host", "bob@", "bob@host/path", "bob@ho st", "http://host/bob", 42, null]) {
    assert.throws(() => parseWebfinger(bad), (err: { status?: number }) => err.status === 400, String(bad));
  }
});

test("allowFormTarget adds the target's origin (or any http(s)) to form-action only", () => {
  const headers = new Map<string, string>([["Content-Security-Policy", "default-src 'self'; form-action 'self'; base-uri 'self'"]]);
  const res = { getHeader: (n: string) => headers.get(n), setHeader: (n: string, v: string) => headers.set(n, v) };
  allowFormTarget(res, "http://127.0.0.7:4000/main/authorized/x?oauth_token=1");
  assert.equal(headers.get("Content-Security-Policy"), "default-src 'self'; form-action 'self' http://127.0.0.7:4000; base-uri 'self'");
  allowFormTarget(res, "javascript:alert(1)");
  allowFormTarget(res, null);
  assert.equal(headers.get("Content-Security-Policy"), "default-src 'self'; form-action 'self' http://127.0.0.7:4000; base-uri 'self'");
  allowFormTarget(res, "any-http");
  assert.match(headers.get("Content-Security-Policy")!, /form-action 'self' http:\/\/127\.0\.0\.7:4000 http: https:;/);
});
