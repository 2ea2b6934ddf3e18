/**
 * Issue 8, item 2: following a stream over the realtime socket is allowed
 * exactly when GET of the same API stream would answer the socket's user.
 * Inboxes are their owner's; a list's members its readers'; unknown or
 * foreign URLs are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../support/server";
import { act, Client, registerSession, type Message } from "./realtime/support";

describe("realtime follows are authorised like the API reads", () => {
  let server: TestServer;
  let ws: string;
  let alice: { cookie: string; csrf: string };
  let eve: { cookie: string; csrf: string };
  const opened: Client[] = [];

  const open = async (cookie?: string): Promise<Client> => {
    const c = await Client.open(ws, cookie ? { Origin: server.url, Cookie: cookie } : { Origin: server.url });
    opened.push(c);
    await c.next((m) => m.cmd === "hello");
    return c;
  };
  /** Sends a follow; answers with the server's reply to it (ack or error). */
  const tryFollow = async (c: Client, url: string): Promise<Message> => {
    c.ws.send(JSON.stringify({ cmd: "follow", url }));
    return c.next((m) => (m.cmd === "followed" || m.cmd === "error") && m.url === url);
  };

  before(async () => {
    server = await startTestServer();
    ws = `${server.url.replace(/^http/, "ws")}/main/realtime`;
    alice = await registerSession(server.url, "alice");
    eve = await registerSession(server.url, "eve");
  });

  after(async () => {
    for (const c of opened) c.close();
    await server?.close();
  });

  test("anonymous and other users cannot follow someone's inbox; the owner can", async () => {
    const anon = await open();
    const other = await open(eve.cookie);
    const owner = await open(alice.cookie);
    for (const kind of ["inbox", "inbox/major", "inbox/minor", "inbox/direct", "inbox/direct/major", "inbox/direct/minor"]) {
      const url = `${server.url}/api/user/alice/${kind}`;
      assert.deepEqual(await tryFollow(anon, url), { cmd: "error", message: "Not authorized", url }, `anonymous: ${kind}`);
      assert.deepEqual(await tryFollow(other, url), { cmd: "error", message: "Not authorized", url }, `eve: ${kind}`);
      assert.deepEqual(await tryFollow(owner, url), { cmd: "followed", url }, `alice: ${kind}`);
    }
  });

  test("a refused follow gets no updates; public feeds stay open to all", async () => {
    const anon = await open();
    const inbox = `${server.url}/api/user/alice/inbox/direct/major`;
    const feed = `${server.url}/api/user/alice/feed/major`;
    assert.equal((await tryFollow(anon, inbox)).cmd, "error");
    assert.deepEqual(await tryFollow(anon, feed), { cmd: "followed", url: feed });
    const aliceId = ((await (await fetch(`${server.url}/api/user/alice/profile`, { headers: { Cookie: eve.cookie, Accept: "application/json" } })).json()) as { id: string }).id;
    // A note to alice lands in her direct inbox; then a marker in alice's public feed.
    await act(server.url, eve, "post", { content: "hello alice", to: `person:${aliceId}` });
    await act(server.url, alice, "post", { content: "marker", to: "public" });
    const u = await anon.next((m) => m.cmd === "update");
    assert.equal(u.url, feed, "the first update is the public feed's marker");
    assert.deepEqual(anon.updates(), [], "nothing from the refused inbox");
  });

  test("unknown users and lists, other sites and non-stream URLs are refused", async () => {
    const anon = await open();
    const cases = [
      `${server.url}/api/user/nobody/feed`,
      `${server.url}/api/collection/no-such-list/members`,
      `http://other.example/api/user/alice/feed`,
      `${server.url}/api/user/alice/profile`,
      `${server.url}/main/realtime`,
      `${server.url}/api/user/alice/feed?since=x`,
    ];
    for (const url of cases) assert.deepEqual(await tryFollow(anon, url), { cmd: "error", message: "Not authorized", url }, url);
  });
});
