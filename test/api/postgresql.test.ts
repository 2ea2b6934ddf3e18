// The API over the PostgreSQL driver: a real server on a fresh database,
// real OAuth, follow, post, inbox and paging (PUMPIO_TEST_POSTGRES_URL).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC, addr, postNote, startApi, streamIds } from "./support";
import { freshDatabase, skipPostgres } from "../support/postgres";

test("the API on PostgreSQL: follow, post, inbox, paging", { skip: skipPostgres, timeout: 400_000 }, async (t) => {
  const db = await freshDatabase("api");
  t.after(db.drop);
  const api = await startApi(["--driver", "postgresql", "--params.url", db.url]);
  t.after(() => api.close());
  const alice = await api.user("alice");
  const bob = await api.user("bob");
  await api.ok(bob.creds, "POST", "/api/user/bob/feed", { verb: "follow", object: addr(alice.id) });
  const posted = [];
  for (let i = 0; i < 25; i++) posted.push(await postNote(api, alice, `note ${i}`, { to: [addr(PUBLIC, "collection")] }));
  const deadline = Date.now() + 30_000;
  let inbox = await streamIds(api, bob.creds, "/api/user/bob/inbox/major");
  // 25 notes beside the welcome note every new user has in inbox/major.
  while (inbox.total < 26 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    inbox = await streamIds(api, bob.creds, "/api/user/bob/inbox/major");
  }
  assert.equal(inbox.total, 26);
  assert.deepEqual(inbox.ids.slice(0, 25), posted.map((a) => a.id).reverse());
  const page = await api.ok(bob.creds, "GET", `/api/user/bob/inbox/major?count=5&before=${encodeURIComponent(posted[20]!.id)}`);
  assert.deepEqual(page.items.map((a: { id: string }) => a.id), posted.slice(15, 20).map((a) => a.id).reverse());
  const feed = await streamIds(api, api.anon, "/api/user/alice/feed/major");
  assert.deepEqual(feed.ids, posted.map((a) => a.id).reverse(), JSON.stringify(feed));
  assert.equal(feed.total, 25);
});
