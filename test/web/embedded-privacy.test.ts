/**
 * Issue 8, item 1, through the web session: alice writes to bob only, eve
 * follows bob, bob shares the note. eve's session reading the API streams,
 * her pages, and her realtime socket never get the note's text.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getAccessToken, registerClient, signedRequest, userCreds } from "../support/oauth-client";
import { startTestServer, type TestServer } from "../support/server";
import { act, Client, PASSWORD, registerSession, type Message } from "./realtime/support";

const SECRET = "SECRET-persimmon";
/** A title: generated activity text ("bob shared <title>") names the object by it. */
const TITLE = "Secret-title-medlar";

describe("a shared private note, seen through eve's web session", () => {
  let server: TestServer;
  let alice: { cookie: string; csrf: string };
  let bob: { cookie: string; csrf: string };
  let eve: { cookie: string; csrf: string };
  let socket: Client;
  let noteId: string;
  const get = async (session: { cookie: string }, path: string, accept = "application/json") => {
    const res = await fetch(server.url + path, { headers: { Cookie: session.cookie, Accept: accept } });
    const text = await res.text();
    assert.equal(res.status, 200, `GET ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  const personId = async (nick: string) =>
    ((await (await fetch(`${server.url}/api/user/${nick}/profile`, { headers: { Cookie: eve.cookie, Accept: "application/json" } })).json()) as { id: string }).id;

  before(async () => {
    server = await startTestServer();
    alice = await registerSession(server.url, "alice");
    bob = await registerSession(server.url, "bob");
    eve = await registerSession(server.url, "eve");
    await act(server.url, eve, "follow", { object: await personId("bob"), objectType: "person" });
    socket = await Client.open(`${server.url.replace(/^http/, "ws")}/main/realtime`, { Origin: server.url, Cookie: eve.cookie });
    for (const kind of ["inbox", "inbox/major"]) await socket.follow(`${server.url}/api/user/eve/${kind}`);
    // alice writes with an API client (the web form has no title field).
    const client = await registerClient(server.url, { application_name: "alice's client" });
    const creds = userCreds(client, await getAccessToken(server.url, client, "alice", PASSWORD));
    const posted = await signedRequest(server.url, creds, "POST", "/api/user/alice/feed", {
      verb: "post",
      to: [{ id: await personId("bob"), objectType: "person" }],
      object: { objectType: "note", displayName: TITLE, content: SECRET },
    });
    assert.equal(posted.status, 200, posted.text);
    noteId = posted.body.object.id;
    await act(server.url, bob, "share", { object: noteId, objectType: "note" });
  });

  after(async () => {
    socket?.close();
    await server?.close();
  });

  test("bob, a recipient, reads the note in his feed", async () => {
    assert.ok((await get(bob, "/api/user/bob/feed")).includes(SECRET));
  });

  test("eve's session reads bob's feeds and her inboxes: a stub, never the text", async () => {
    for (const path of ["/api/user/bob/feed", "/api/user/bob/feed/major", "/api/user/eve/inbox", "/api/user/eve/inbox/major"]) {
      const text = await get(eve, path);
      const share = (JSON.parse(text) as { items: Message[] }).items.find((a) => a.verb === "share");
      assert.deepEqual(share?.object, { id: noteId, objectType: "note" }, path);
      assert.ok(!text.includes(SECRET) && !text.includes(TITLE), `${path} leaks the note`);
    }
  });

  test("eve's pages (home, bob's profile) never show it", async () => {
    for (const path of ["/", "/bob"]) {
      const html = await get(eve, path, "text/html");
      assert.match(html, /shared/, `${path} shows the share`);
      assert.ok(!html.includes(SECRET) && !html.includes(TITLE), `${path} leaks the note`);
    }
  });

  test("eve's realtime socket gets the share as a stub, HTML included", async () => {
    const updates = [await socket.next((m) => m.cmd === "update"), await socket.next((m) => m.cmd === "update")];
    for (const u of updates) {
      assert.ok(u.html, "the push carries item HTML");
      const activity = u.activity as Message;
      assert.equal(activity.verb, "share");
      assert.deepEqual(activity.object, { id: noteId, objectType: "note" });
      assert.ok(!JSON.stringify(u).includes(SECRET) && !JSON.stringify(u).includes(TITLE), `the push for ${String(u.url)} leaks the note`);
      assert.match(String(u.html), /shared/);
    }
  });
});
