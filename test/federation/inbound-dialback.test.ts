// Inbound delivery with real Dialback registrations (A registers at B as
// its host and as its person alice): B accepts only actors that belong to
// the registered host or person.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../support/server";
import { registerClient, registerUser } from "../support/oauth-client";
import { silentLogger } from "../../lib/log";
import { UrlMaker } from "../../lib/url-maker";
import { createFederation, type Federation } from "../../lib/federation";

const LOOPBACK = ["--driver", "memory", "--federationAllowedAddresses", "127.0.0.0/8"];
let a: TestServer, b: TestServer, fa: Federation;
const hostOf = (srv: TestServer) => new URL(srv.url).host;

before(async () => {
  [a, b] = await Promise.all([startTestServer(LOOPBACK), startTestServer(LOOPBACK)]);
  fa = createFederation({ config: a.config, bank: a.worker.bank, urls: new UrlMaker(a.config), log: silentLogger() });
  await registerUser(b.url, await registerClient(b.url), "bob", "mock*turtle42");
  await registerUser(a.url, await registerClient(a.url), "alice", "white*rabbit42");
});
after(async () => {
  fa.close();
  await Promise.all([a.close(), b.close()]);
});

/** POSTs an activity to bob's inbox at B, signed with A's credentials there as `as`. */
async function deliver(as: { host: string } | { webfinger: string }, actorId: string, n: string): Promise<{ status: number; text: string }> {
  const act = {
    id: `${a.url}/api/activity/test-${n}`, verb: "post", actor: { id: actorId, objectType: "person" },
    to: [{ id: `${b.url}/api/user/bob/profile`, objectType: "person" }], object: { objectType: "note", content: `note ${n}` },
  };
  const res = await fa.credentials.requestAs(`${b.url}/api/user/bob/inbox`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(act), as });
  return { status: res.status, text: res.text() };
}

it("a host-registered client may deliver for its host's people, and for no one else", async () => {
  const host = { host: hostOf(a) };
  assert.equal((await deliver(host, `${a.url}/api/user/alice/profile`, "1")).status, 200);
  assert.equal((await deliver(host, `acct:alice@${hostOf(a)}`, "2")).status, 200);
  const other = await deliver(host, "acct:mallory@elsewhere.example", "3");
  assert.equal(other.status, 400, other.text);
  const bLocal = await deliver(host, `${b.url}/api/user/bob/profile`, "4");
  assert.equal(bLocal.status, 400, "not even for B's own people");
});

it("a person-registered client may deliver only for that person", async () => {
  const alice = { webfinger: `alice@${hostOf(a)}` };
  assert.equal((await deliver(alice, `${a.url}/api/user/alice/profile`, "5")).status, 200);
  const carol = await deliver(alice, `${a.url}/api/user/carol/profile`, "6");
  assert.equal(carol.status, 400, carol.text);
});
