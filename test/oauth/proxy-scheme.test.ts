// Behind a TLS-terminating proxy the client signed an https:// URL while the
// request reaches us over plain HTTP. With a trusted proxy saying so
// (X-Forwarded-Proto: https), the signature base string must use https, or
// every HMAC-signed request from such a site's clients fails with 401.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../support/server";
import { oauthClient, registerClient } from "../support/oauth-client";

async function getSignedAs(serverUrl: string, signedUrl: string, client: { client_id: string; client_secret: string }, headers: Record<string, string>) {
  const auth = oauthClient(serverUrl, client).authHeader(signedUrl, null as unknown as string, null as unknown as string, "GET");
  const res = await fetch(serverUrl + new URL(signedUrl).pathname, { headers: { Authorization: auth, Accept: "application/json", ...headers } });
  return res.status;
}

test("an HMAC signature over the https URL is accepted behind a trusted TLS proxy, refused without the proxy's word", async () => {
  const trusting = await startTestServer(["--trust-proxy", "loopback"]);
  try {
    const client = await registerClient(trusting.url);
    const httpsUrl = `https://127.0.0.1:${trusting.port}/api/user/nobody-here`;
    // 404 (no such user) means the signature passed; 400 "Invalid signature" that it did not.
    assert.equal(await getSignedAs(trusting.url, httpsUrl, client, { "X-Forwarded-Proto": "https" }), 404);
    assert.equal(await getSignedAs(trusting.url, httpsUrl, client, {}), 400);
    assert.equal(await getSignedAs(trusting.url, `${trusting.url}/api/user/nobody-here`, client, {}), 404);
  } finally {
    await trusting.close();
  }
  const untrusting = await startTestServer();
  try {
    const client = await registerClient(untrusting.url);
    const httpsUrl = `https://127.0.0.1:${untrusting.port}/api/user/nobody-here`;
    assert.equal(await getSignedAs(untrusting.url, httpsUrl, client, { "X-Forwarded-Proto": "https" }), 400);
  } finally {
    await untrusting.close();
  }
});
