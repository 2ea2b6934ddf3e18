// Discovery over real HTTP: host-meta (XRD and JSON), webfinger and lrdd
// for a registered local user, and their error answers (api.md §12).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser } from "../support/oauth-client";

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
  const client = await registerClient(srv.url);
  await registerUser(srv.url, client, "alice", "white*rabbit42");
});
after(async () => {
  await srv.close();
});

const rels = (links: Array<{ rel: string }>) => links.map((l) => l.rel);

test("host-meta is XRD by default and JSON when asked", async () => {
  const x = await fetch(`${srv.url}/.well-known/host-meta`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get("content-type") ?? "", /^application\/xrd\+xml/);
  const xml = await x.text();
  assert.match(xml, /<XRD xmlns="http:\/\/docs\.oasis-open\.org\/ns\/xri\/xrd-1\.0">/);
  assert.ok(xml.includes(`rel="registration_endpoint" href="${srv.url}/api/client/register"`));

  const j = await fetch(`${srv.url}/.well-known/host-meta`, { headers: { Accept: "application/json" } });
  const body = (await j.json()) as { links: Array<{ rel: string; href?: string; template?: string }> };
  assert.deepEqual(rels(body.links), [
    "lrdd",
    "lrdd",
    "registration_endpoint",
    "http://apinamespace.org/oauth/request_token",
    "http://apinamespace.org/oauth/authorize",
    "http://apinamespace.org/oauth/access_token",
    "dialback",
    "http://apinamespace.org/activitypub/whoami",
  ]);
  assert.equal(body.links[1].template, `${srv.url}/.well-known/webfinger?resource={uri}`);

  const json = await fetch(`${srv.url}/.well-known/host-meta.json`);
  assert.deepEqual(((await json.json()) as { links: unknown[] }).links, body.links);
});

test("webfinger resolves a local user in every accepted form", async () => {
  for (const resource of ["alice@127.0.0.1", "acct:alice@127.0.0.1", `acct:alice@127.0.0.1:${srv.port}`, `${srv.url}/alice`, `${srv.url}/api/user/alice/profile`]) {
    const res = await fetch(`${srv.url}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
    assert.equal(res.status, 200, resource);
    const body = (await res.json()) as { links: Array<{ rel: string; href: string }> };
    assert.deepEqual(rels(body.links).slice(0, 5), ["http://webfinger.net/rel/profile-page", "dialback", "self", "activity-inbox", "activity-outbox"]);
    assert.equal(body.links[0].href, `${srv.url}/alice`);
    assert.equal(body.links.find((l) => l.rel === "activity-inbox")?.href, `${srv.url}/api/user/alice/inbox`);
  }
});

test("webfinger errors: no resource 400, foreign host 404, unknown user 404", async () => {
  const none = await fetch(`${srv.url}/.well-known/webfinger`);
  assert.equal(none.status, 400);
  assert.equal(((await none.json()) as { error: string }).error, "No resource parameter");
  const foreign = await fetch(`${srv.url}/.well-known/webfinger?resource=acct:alice@elsewhere.example`);
  assert.equal(foreign.status, 404);
  assert.equal(((await foreign.json()) as { error: string }).error, "Unrecognized host");
  const unknown = await fetch(`${srv.url}/.well-known/webfinger?resource=acct:bob@127.0.0.1`);
  assert.equal(unknown.status, 404);
  const path = await fetch(`${srv.url}/.well-known/webfinger?resource=${encodeURIComponent(`${srv.url}/some/other/path`)}`);
  assert.equal(path.status, 404);
});

test("lrdd answers XRD with the subject, or JSON", async () => {
  const x = await fetch(`${srv.url}/api/lrdd?resource=acct:alice@127.0.0.1`);
  assert.equal(x.status, 200);
  const xml = await x.text();
  assert.match(xml, /<Subject>acct:alice@127\.0\.0\.1<\/Subject>/);
  assert.match(xml, /rel="activity-outbox"/);
  const j = await fetch(`${srv.url}/api/lrdd?resource=acct:alice@127.0.0.1`, { headers: { Accept: "application/json" } });
  assert.equal(((await j.json()) as { links: unknown[] }).links.length, 10); // the original's nine, then ActivityPub's self link
});
