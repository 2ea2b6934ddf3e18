// DELETE /api/user/:nickname, then the same nickname registered again: the
// new account starts clean (api.md §4 totals), the old tokens are dead.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startApi, type ApiFixture } from "./support";

describe("API: account deletion and re-registration", () => {
  let api: ApiFixture;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  it("lets a deleted nickname register again with a fresh set of streams", async () => {
    const first = await api.user("phoenix");
    await api.ok(first.creds, "POST", "/api/user/phoenix/feed", { verb: "post", object: { objectType: "note", content: "first life" } });
    assert.equal(await api.ok(first.creds, "DELETE", "/api/user/phoenix"), "Deleted.");
    const stale = await api.req(first.creds, "GET", "/api/user/phoenix/inbox");
    assert.ok(stale.status >= 400 && stale.status < 500, `old token refused: ${stale.status}`);

    const second = await api.user("phoenix");
    const feed = await api.ok(second.creds, "GET", "/api/user/phoenix/feed");
    assert.equal(feed.totalItems, 5, "join + 4 lists, nothing from the first life");
    assert.ok(!JSON.stringify(feed.items).includes("first life"));
    const lists = await api.ok(second.creds, "GET", "/api/user/phoenix/lists/person");
    assert.deepEqual(lists.items.map((l: { displayName: string }) => l.displayName).sort(), ["Acquaintances", "Coworkers", "Family", "Friends"]);
    assert.equal((await api.ok(second.creds, "GET", "/api/user/phoenix/inbox")).totalItems, 6);
  });
});
