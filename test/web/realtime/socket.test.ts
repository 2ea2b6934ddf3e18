/**
 * The realtime endpoint against the real server: who gets which update,
 * the session cookie and the Origin check, bad messages, and the
 * close-with-reconnect-hint at shutdown.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer } from "../../support/server";
import { act, Client, contentOf, registerSession } from "./support";

describe("realtime endpoint", () => {
  let server: TestServer;
  let ws: string;
  let alice: { cookie: string; csrf: string };
  let bob: { cookie: string; csrf: string };
  let carol: { cookie: string; csrf: string };
  const opened: Client[] = [];
  const open = async (headers: Record<string, string> = {}) => {
    const c = await Client.open(ws, { Origin: server.url, ...headers });
    opened.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer();
    ws = `${server.url.replace(/^http/, "ws")}/main/realtime`;
    alice = await registerSession(server.url, "alice");
    bob = await registerSession(server.url, "bob");
    carol = await registerSession(server.url, "carol");
    const profile = (await (await fetch(`${server.url}/api/user/alice/profile`, { headers: { Cookie: bob.cookie, Accept: "application/json" } })).json()) as { id: string };
    await act(server.url, bob, "follow", { object: profile.id, objectType: "person" });
  });

  after(async () => {
    for (const c of opened) c.close();
    await server?.close();
  });

  test("says who the session is; a forged or missing cookie is anonymous", async () => {
    assert.deepEqual(await (await open({ Cookie: bob.cookie })).next(), { cmd: "hello", user: "bob" });
    assert.deepEqual(await (await open()).next(), { cmd: "hello", user: null });
    const forged = bob.cookie.replace(/(pump\.sid=s%3A[^.]+\.)[^;]+/, "$1AAAAforgedsignatureAAAAAAAAAAAAAAAAAAAAAAA");
    assert.notEqual(forged, bob.cookie);
    assert.deepEqual(await (await open({ Cookie: forged })).next(), { cmd: "hello", user: null });
  });

  test("a handshake from a foreign page (other Origin) is refused", async () => {
    await assert.rejects(Client.open(ws, { Origin: "http://evil.example", Cookie: bob.cookie }), /handshake refused: 403/);
  });

  test("updates go only to those who may see them, in order, with item HTML", async () => {
    const feed = `${server.url}/api/user/alice/feed`;
    const anon = await open();
    const follower = await open({ Cookie: bob.cookie });
    const stranger = await open({ Cookie: carol.cookie });
    for (const c of [anon, follower, stranger]) await c.follow(feed);

    await act(server.url, alice, "post", { content: "for followers", to: "followers" });
    await act(server.url, alice, "post", { content: "for everyone", to: "public" });

    const [f1, f2] = [await follower.next((m) => m.cmd === "update"), await follower.next((m) => m.cmd === "update")];
    assert.match(contentOf(f1), /for followers/);
    assert.match(contentOf(f2), /for everyone/);
    assert.equal(f1.url, feed);
    assert.match(String(f2.html), /^<li class="activity"[^>]* data-activity-id="[^"]+"/);
    assert.match(String(f2.html), /name="_csrf" value="[^"]+"/, "bob's forms in the pushed item carry his token");

    // The public one arrives; the followers-only one, pushed first, never did.
    for (const c of [anon, stranger]) {
      assert.match(contentOf(await c.next((m) => m.cmd === "update")), /for everyone/);
      assert.deepEqual(c.updates(), []);
    }
  });

  test("an unfollowed stream stops; bad messages are answered with an error", async () => {
    const c = await open({ Cookie: bob.cookie });
    await c.next((m) => m.cmd === "hello");
    c.ws.send("not json");
    assert.deepEqual(await c.next(), { cmd: "error", message: "Not JSON" });
    c.ws.send(JSON.stringify({ cmd: "follow", url: "javascript:alert(1)" }));
    assert.deepEqual(await c.next(), { cmd: "error", message: "Bad url" });
    const inbox = `${server.url}/api/user/bob/inbox/major`;
    const outbox = `${server.url}/api/user/bob/feed/major`;
    await c.follow(inbox);
    await c.follow(outbox);
    c.ws.send(JSON.stringify({ cmd: "unfollow", url: inbox }));
    await act(server.url, bob, "post", { content: "after unfollow", to: "public" });
    // Bob's post lands in both his outbox and his inbox: only the followed outbox is pushed.
    const u = await c.next((m) => m.cmd === "update");
    assert.equal(u.url, outbox);
    await act(server.url, bob, "post", { content: "marker", to: "public" });
    const marker = await c.next((m) => m.cmd === "update");
    assert.match(contentOf(marker), /marker/);
    assert.deepEqual(c.updates(), [], "nothing from the unfollowed inbox");
  });
});

describe("realtime endpoint at shutdown", () => {
  test("sockets get a reconnect hint and close 1012 without holding the shutdown", async () => {
    const server = await startTestServer();
    const c = await Client.open(`${server.url.replace(/^http/, "ws")}/main/realtime`, { Origin: server.url });
    await c.next((m) => m.cmd === "hello");
    await server.close();
    assert.deepEqual(await c.next((m) => m.cmd === "reconnect"), { cmd: "reconnect", afterMs: 0 });
    assert.equal((await c.closed).code, 1012);
  });
});
