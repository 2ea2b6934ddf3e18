// signedRequest against our own OAuth provider: protocol parameters sent in
// a form body (RFC 5849 §3.5.2) or in the header are each signed once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../support/server";
import { registerClient } from "../support/oauth-client";
import { createSafeFetcher } from "../../lib/net/safe-request";
import { signedRequest } from "../../lib/federation/signed-request";

test("a request token is granted for oauth_callback in the form body or in the header", async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const fetcher = createSafeFetcher({ policy: { allows: () => true }, userAgent: "test" });
  t.after(() => fetcher.close());
  const creds = await registerClient(server.url, {});
  const url = `${server.url}/oauth/request_token`;
  const inBody = await signedRequest(fetcher, creds, url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ oauth_callback: "http://127.0.0.1:9/cb" }).toString(),
  });
  assert.equal(inBody.status, 200, inBody.text());
  assert.ok(new URLSearchParams(inBody.text()).get("oauth_token"));
  const inHeader = await signedRequest(fetcher, creds, url, { method: "POST", oauthParams: { oauth_callback: "http://127.0.0.1:9/cb" } });
  assert.equal(inHeader.status, 200, inHeader.text());
});
