/**
 * Issue 8, item 13: the counts on a profile (and on an object's page)
 * match what the viewer can see.
 * alice posts three public notes and one for her followers, and likes the
 * followers-only one; an anonymous visitor of /alice sees "Posts (3)" above
 * three posts, a "Recent activity" count equal to its items, and a
 * favorites count of what they may see; alice herself sees everything.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getAccessToken, registerClient, signedRequest, userCreds } from "../support/oauth-client";
import type { TestServer } from "../support/server";
import { Browser, PASSWORD, registerVia, startWeb, textOf } from "./support";

/** The items of the stream list with this id. */
function itemsOf(html: string, id: string): number {
  const m = new RegExp(`<ol[^>]* id="${id}"[^>]*>([\\s\\S]*?)</ol>`).exec(html);
  assert.ok(m, `no list #${id}`);
  return (m[1].match(/<li class="(activity|object)"/g) ?? []).length;
}

/** The number in a stream heading "Name (N)". */
function headingCount(html: string, id: string): number {
  const m = /\((\d+)\)\s*$/.exec(textOf(html, `${id}-title`) ?? "");
  assert.ok(m, `no count in #${id}-title`);
  return Number(m[1]);
}

/** The count next to a profile card link ("Favorites 2"). */
function cardCount(html: string, suffix: string): number {
  const m = new RegExp(`href="/alice${suffix}"[^>]*>[^<]*<span class="count">(\\d+)</span>`).exec(html);
  assert.ok(m, `no card count for ${suffix}`);
  return Number(m[1]);
}

describe("profile counts match what the viewer can see", () => {
  let server: TestServer;
  let alice: Browser;
  let anon: Browser;

  before(async () => {
    server = await startWeb();
    alice = new Browser(server.url);
    anon = new Browser(server.url);
    await registerVia(alice, "alice");
    for (const n of [1, 2, 3]) assert.equal((await alice.submit("/main/post", { content: `public ${n}`, to: "public" })).status, 303);
    const res = await alice.request("POST", "/main/post", {
      form: { _csrf: alice.csrf ?? "", content: "followers only", to: "followers" },
      headers: { Accept: "application/json" },
    });
    const posted = JSON.parse(res.text) as { object: { id: string } };
    assert.equal((await alice.submit("/main/like", { object: posted.object.id, objectType: "note" })).status, 303);
  });

  after(() => server?.close());

  test("the anonymous visitor: Posts (3) above three posts; Recent activity counts its items", async () => {
    const html = await anon.page("/alice");
    assert.equal(itemsOf(html, "major-outbox"), 3);
    assert.equal(headingCount(html, "major-outbox"), 3);
    assert.equal(headingCount(html, "minor-outbox"), itemsOf(html, "minor-outbox"));
  });

  test("the anonymous visitor: the favorites count is what the favorites page shows", async () => {
    const html = await anon.page("/alice/favorites");
    assert.equal(itemsOf(html, "favorites"), 0);
    assert.equal(headingCount(html, "favorites"), 0);
    assert.equal(cardCount(html, "/favorites"), 0);
  });

  test("alice sees all of hers", async () => {
    const html = await alice.page("/alice");
    assert.equal(itemsOf(html, "major-outbox"), 4);
    assert.equal(headingCount(html, "major-outbox"), 4);
    assert.equal(headingCount(html, "minor-outbox"), itemsOf(html, "minor-outbox"));
    const favs = await alice.page("/alice/favorites");
    assert.equal(headingCount(favs, "favorites"), 1);
    assert.equal(cardCount(favs, "/favorites"), 1);
  });

  test("an object page's Replies heading counts the replies the viewer can see", async () => {
    const res = await alice.request("POST", "/main/post", {
      form: { _csrf: alice.csrf ?? "", content: "ask me anything", to: "public" },
      headers: { Accept: "application/json" },
    });
    const note = (JSON.parse(res.text) as { object: { id: string; url: string; author?: unknown } }).object;
    const bob = new Browser(server.url);
    await registerVia(bob, "bob");
    const client = await registerClient(server.url, { application_name: "bob's client" });
    const creds = userCreds(client, await getAccessToken(server.url, client, "bob", PASSWORD));
    const aliceId = (await signedRequest(server.url, creds, "GET", "/api/user/alice/profile")).body.id;
    // A reply for alice's eyes only.
    const reply = await signedRequest(server.url, creds, "POST", "/api/user/bob/feed", {
      verb: "post",
      to: [{ id: aliceId, objectType: "person" }],
      object: { objectType: "comment", content: "just between us", inReplyTo: { id: note.id, objectType: "note" } },
    });
    assert.equal(reply.status, 200, reply.text);
    const path = new URL(note.url).pathname;
    const seen = await anon.page(path);
    assert.equal(itemsOf(seen, "replies"), 0);
    assert.equal(headingCount(seen, "replies"), 0);
    const own = await alice.page(path);
    assert.equal(itemsOf(own, "replies"), 1);
    assert.equal(headingCount(own, "replies"), 1);
  });
});
