/**
 * Paging (api.md §6) on a feed of exactly 90 activities: the exact slices
 * of the original's tests for count/offset/before/since, link walking, and
 * the 400s for bad arguments.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { pathOf, startApi, type ApiFixture, type TestUser } from "./support";

const POSTS = 85; // + the 5 activities of registration = 90

describe("API: paging a stream of 90 activities", () => {
  let api: ApiFixture;
  let alice: TestUser;
  /** The whole feed, newest first. */
  let F: string[];
  const feed = "/api/user/alice/feed";
  const ids = async (query: string): Promise<string[]> =>
    (await api.ok(alice.creds, "GET", `${feed}${query}`)).items.map((a: { id: string }) => a.id);

  before(async () => {
    api = await startApi();
    alice = await api.user("alice");
    // Small parallel batches: quick, and the order is whatever the server stored.
    for (let i = 0; i < POSTS; i += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, POSTS - i) }, (_, k) =>
          api.ok(alice.creds, "POST", `/api/user/alice/feed`, { verb: "post", object: { objectType: "note", content: `note ${i + k}` } }),
        ),
      );
    }
    const all = await api.ok(alice.creds, "GET", `${feed}?count=200`);
    F = all.items.map((a: { id: string }) => a.id);
  });
  after(() => api.close());

  it("has 90 distinct items: the 85 notes, then the registration ones", async () => {
    assert.equal(F.length, 90);
    assert.equal(new Set(F).size, 90);
    const all = await api.ok(alice.creds, "GET", `${feed}?count=200`);
    assert.equal(all.totalItems, 90);
    assert.equal(all.items[89].verb, "join");
    const contents = all.items.slice(0, POSTS).map((a: { object: { content: string } }) => a.object.content);
    assert.deepEqual(new Set(contents), new Set(Array.from({ length: POSTS }, (_, i) => `note ${i}`)));
  });

  it("gives the exact slices of count, offset, before and since", async () => {
    assert.deepEqual(await ids(""), F.slice(0, 20));
    assert.deepEqual(await ids("?offset=50"), F.slice(50, 70));
    assert.deepEqual(await ids(`?since=${encodeURIComponent(F[25]!)}`), F.slice(5, 25));
    assert.deepEqual(await ids(`?since=${encodeURIComponent(F[5]!)}`), F.slice(0, 5));
    assert.deepEqual(await ids(`?before=${encodeURIComponent(F[25]!)}`), F.slice(26, 46));
    assert.deepEqual(await ids(`?before=${encodeURIComponent(F[35]!)}&count=50`), F.slice(36, 86));
    assert.deepEqual(await ids("?offset=80&count=20"), F.slice(80, 90));
    assert.deepEqual(await ids("?count=7"), F.slice(0, 7));
    assert.deepEqual(await ids(`?before=${encodeURIComponent(F[89]!)}`), []);
  });

  it("answers an empty page (200) past the end and for count=0", async () => {
    const past = await api.ok(alice.creds, "GET", `${feed}?offset=100`);
    assert.deepEqual(past.items, []);
    assert.equal(past.totalItems, 90);
    assert.equal(past.links.prev, undefined);
    const none = await api.ok(alice.creds, "GET", `${feed}?count=0`);
    assert.deepEqual(none.items, []);
    assert.equal(none.totalItems, 90);
  });

  it("links prev/next, and following next from the first page visits every item once", async () => {
    const first = await api.ok(alice.creds, "GET", feed);
    assert.equal(first.links.first.href, `${api.server.url}${feed}`);
    assert.equal(first.links.prev.href, `${api.server.url}${feed}?since=${encodeURIComponent(F[0]!)}`);
    assert.equal(first.links.next.href, `${api.server.url}${feed}?before=${encodeURIComponent(F[19]!)}`);
    const seen: string[] = [];
    let page = first;
    let guard = 0;
    for (;;) {
      seen.push(...page.items.map((a: { id: string }) => a.id));
      if (!page.links.next || ++guard > 10) break;
      page = await api.ok(alice.creds, "GET", pathOf(page.links.next.href));
    }
    assert.deepEqual(seen, F);
  });

  it("pages the inbox and the person collections the same way", async () => {
    const inbox = await api.ok(alice.creds, "GET", "/api/user/alice/inbox?count=200");
    assert.equal(inbox.totalItems, 91, "90 own + the welcome note");
    const I = inbox.items.map((a: { id: string }) => a.id);
    const slice = await api.ok(alice.creds, "GET", `/api/user/alice/inbox?before=${encodeURIComponent(I[10]!)}&count=3`);
    assert.deepEqual(slice.items.map((a: { id: string }) => a.id), I.slice(11, 14));
    const followers = await api.ok(alice.creds, "GET", "/api/user/alice/followers?offset=0&count=5");
    assert.equal(followers.links.self.href, `${api.server.url}/api/user/alice/followers?offset=0&count=5`);
    assert.deepEqual(followers.items, []);
  });

  it("refuses bad paging arguments with the original's 400 texts", async () => {
    const cases: Array<[string, string]> = [
      ["count=-1", "Count must be between 0 and 200"],
      ["count=201", "Count must be between 0 and 200"],
      ["count=abc", "Count must be between 0 and 200"],
      ["count=1.5", "Count must be between 0 and 200"],
      ["offset=-1", "Offset must be an integer greater than or equal to zero"],
      ["offset=x", "Offset must be an integer greater than or equal to zero"],
      [`before=${encodeURIComponent(F[1]!)}&offset=2`, "Can't have both 'before' and 'offset' parameters"],
      [`since=${encodeURIComponent(F[1]!)}&offset=2`, "Can't have both 'since' and 'offset' parameters"],
      [`before=${encodeURIComponent(F[1]!)}&since=${encodeURIComponent(F[3]!)}`, "Can't have both 'before' and 'since' parameters"],
      ["before=", " is null"],
    ];
    for (const [query, error] of cases) {
      const res = await api.req(alice.creds, "GET", `${feed}?${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body, { error }, query);
    }
    const unknown = await api.req(alice.creds, "GET", `${feed}?before=no-such-id`);
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /^id 'no-such-id' not found in stream '.+'$/);
    const unknownPeople = await api.req(alice.creds, "GET", "/api/user/alice/followers?since=no-such-id");
    assert.equal(unknownPeople.status, 400, "person streams refuse unknown cursors too (not a 500)");
  });
});
