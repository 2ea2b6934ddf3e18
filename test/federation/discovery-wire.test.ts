// Discovery answers as the original's peers expect them on the wire (issue 8,
// item 17): exact content types, an empty resource, and object ids (a group)
// looked up through lrdd and webfinger (api.md §12, federation.md §1).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { clientCreds, registerClient, registerUser, signedRequest, userCreds } from "../support/oauth-client";

let srv: TestServer;
let groupId: string;
before(async () => {
  srv = await startTestServer();
  const client = await registerClient(srv.url);
  const alice = await registerUser(srv.url, client, "alice", "white*rabbit42");
  const made = await signedRequest(srv.url, userCreds(client, alice.token), "POST", "/api/user/alice/feed", {
    verb: "create",
    object: { objectType: "group", displayName: "Wire readers" },
    to: [{ id: "http://activityschema.org/collection/public", objectType: "collection" }],
  });
  assert.equal(made.status, 200, made.text);
  groupId = made.body.object.id;
  // The group is readable by everyone, so its id is a real, public object id.
  assert.equal((await signedRequest(srv.url, clientCreds(client), "GET", new URL(groupId).pathname)).status, 200);
});
after(async () => {
  await srv.close();
});

const type = (res: Response) => res.headers.get("content-type");
const get = (path: string, accept?: string) => fetch(srv.url + path, accept ? { headers: { Accept: accept } } : {});

test("XRD is application/xrd+xml with no charset parameter", async () => {
  assert.equal(type(await get("/.well-known/host-meta")), "application/xrd+xml");
  assert.equal(type(await get("/.well-known/host-meta", "application/xrd+xml")), "application/xrd+xml");
  assert.equal(type(await get("/api/lrdd?resource=acct:alice@127.0.0.1")), "application/xrd+xml");
  assert.equal(type(await get("/api/lrdd?resource=acct:alice@127.0.0.1", "application/xrd+xml")), "application/xrd+xml");
});

test("JRD is application/json: webfinger, host-meta.json, and JSON-negotiated host-meta and lrdd", async () => {
  for (const [path, accept] of [
    ["/.well-known/webfinger?resource=acct:alice@127.0.0.1", undefined],
    ["/.well-known/webfinger?resource=acct:alice@127.0.0.1", "application/jrd+json, application/json"],
    ["/.well-known/host-meta.json", undefined],
    ["/.well-known/host-meta", "application/json"],
    ["/api/lrdd?resource=acct:alice@127.0.0.1", "application/json"],
  ] as const) {
    const res = await get(path, accept);
    assert.equal(res.status, 200, path);
    assert.match(type(res) ?? "", /^application\/json(; charset=utf-8)?$/, `${path} (${accept})`);
    assert.ok(Array.isArray(((await res.json()) as { links: unknown }).links), path);
  }
});

test("an empty resource= is a 404, as in the original; none at all stays a 400", async () => {
  for (const path of ["/.well-known/webfinger?resource=", "/api/lrdd?resource="]) {
    const res = await get(path, "application/json");
    assert.equal(res.status, 404, path);
    assert.equal(typeof ((await res.json()) as { error: unknown }).error, "string");
  }
  assert.equal((await get("/.well-known/webfinger")).status, 400);
});

test("lrdd of a group id answers XRD when XRD is asked for", async () => {
  const q = `?resource=${encodeURIComponent(groupId)}`;
  for (const accept of [undefined, "application/xrd+xml"]) {
    const res = await get(`/api/lrdd${q}`, accept);
    assert.equal(res.status, 200, String(accept));
    assert.equal(type(res), "application/xrd+xml");
    const xml = await res.text();
    assert.match(xml, /<XRD /);
    assert.ok(xml.includes(`rel="activity-inbox"`), "the group's inbox, for remote delivery");
    assert.ok(xml.includes(`rel="members"`));
  }
  const json = await get(`/api/lrdd${q}`, "application/json");
  assert.equal(json.status, 200);
  const links = ((await json.json()) as { links: Array<{ rel: string; href: string }> }).links;
  assert.match(links.find((l) => l.rel === "activity-inbox")?.href ?? "", /\/api\/group\/[^/]+\/inbox$/);
  const wf = await get(`/.well-known/webfinger${q}`);
  assert.equal(wf.status, 200);
  assert.deepEqual(((await wf.json()) as { links: unknown }).links, links);
  const unknown = await get(`/api/lrdd?resource=${encodeURIComponent(`${srv.url}/api/group/no-such-group`)}`);
  assert.equal(unknown.status, 404);
});
