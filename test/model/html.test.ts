import { test } from "node:test";
import assert from "node:assert/strict";
import { ObjectStore } from "../../lib/model/activity-object";
import { HTML_MARK, HTML_VERSION, cleanOnRead, plainName, sanitizeHtml } from "../../lib/model/html";
import { LocalPeople } from "../../lib/model/local-people";
import { UrlMaker } from "../../lib/url-maker";
import { openTestBank } from "../activity/support";

test("the allow-list keeps what a post needs", () => {
  for (const s of [
    "Hello, world!",
    "<p>one</p><p>two</p>",
    "<strong>bold</strong> <b>b</b> <em>em</em> <i>i</i> <u>u</u> <s>s</s> <del>d</del>",
    "<ul><li>a</li></ul><ol><li>b</li></ol>",
    "<blockquote>quoted</blockquote> <q>q</q>",
    "<pre><code>let x = 1;</code></pre>",
    "naïve café ☕",
  ]) {
    assert.equal(sanitizeHtml(s), s);
  }
  assert.equal(sanitizeHtml("a<br>b"), "a<br />b");
  assert.equal(sanitizeHtml('<img src="https://example.com/cat.png" alt="a cat">'), '<img src="https://example.com/cat.png" alt="a cat" />');
});

test("links: http(s) and mailto only, always rel=nofollow noopener", () => {
  assert.equal(sanitizeHtml('<a href="http://example.com/">x</a>'), '<a rel="nofollow noopener" href="http://example.com/">x</a>');
  assert.equal(sanitizeHtml('<a href="mailto:a@example.com" rel="me" target="_blank">m</a>'), '<a rel="nofollow noopener" href="mailto:a@example.com">m</a>');
  for (const href of ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "/relative", "//evil.example/x", "ftp://example.com/"]) {
    assert.equal(sanitizeHtml(`<a href="${href}">x</a>`), '<a rel="nofollow noopener">x</a>', href);
  }
});

test("images: http(s) sources only; no source, no image", () => {
  for (const src of ["data:image/png;base64,AAAA", "javascript:alert(1)", "x.png", "//evil.example/x.png", ""]) {
    assert.equal(sanitizeHtml(`<img src="${src}" onerror="alert(1)">`), "", src);
  }
  assert.equal(sanitizeHtml('<img src="http://example.com/x.png" width="99999" style="position:fixed">'), '<img src="http://example.com/x.png" />');
});

test("the phishing and XSS corpus leaves no markup that acts or lays out", () => {
  const corpus = [
    "<style>header{display:none}</style>",
    '<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:white;z-index:9999">Log in again</div>',
    '<form action="https://evil.example/"><input name="password" type="password"><button>Log in</button></form>',
    '<p class="site-header" id="login-form" style="color:red">styled</p>',
    '<iframe src="https://evil.example/"></iframe>',
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(9)>",
    "<script>alert(1)</script>",
    '<object data="x.swf"></object><embed src="x.swf"><link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<textarea>t</textarea><select><option>o</option></select><details open ontoggle=alert(1)>d</details>",
  ].join("");
  const out = sanitizeHtml(corpus);
  assert.doesNotMatch(out, /<(style|form|input|button|iframe|svg|math|script|object|embed|link|meta|textarea|select|details|div)\b/i);
  assert.doesNotMatch(out, /\s(style|class|id|on\w+)=/i);
  assert.match(out, /Log in again/, "text of dropped tags stays");
  assert.match(out, /<p>styled<\/p>/);
});

test("a display name with markup becomes plain text; one without is untouched", () => {
  assert.equal(plainName("Tom & Jerry <3"), "Tom & Jerry <3");
  assert.equal(plainName('<img src=x onerror="alert(1)">Mal'), "Mal");
  assert.equal(plainName('<b>Bold</b> "quoted" & <i>co</i>'), 'Bold "quoted" & co');
  assert.equal(plainName("&lt;script&gt;<b>x</b>"), "&lt;script&gt;x");
  assert.doesNotMatch(plainName("<<script>script>alert(1)<</script>/script>"), /</);
});

async function store(t: { after(fn: () => Promise<void>): void }) {
  const { bank, close } = await openTestBank();
  t.after(close);
  const urls = new UrlMaker({ hostname: "social.example", urlPort: 443, urlPath: null });
  return { bank, objects: new ObjectStore(bank, urls, new LocalPeople(urls)) };
}

const DIRTY = '<p style="position:fixed">hi</p><form><input></form><a href="javascript:x">l</a>';
const CLEAN = '<p>hi</p><a rel="nofollow noopener">l</a>';

test("objects are sanitised when stored, by every way in, and marked", async (t) => {
  const { bank, objects } = await store(t);
  const minted = await objects.create(objects.mint({ objectType: "note", content: DIRTY, summary: DIRTY, displayName: "<b>N</b>" }, "alice"));
  const raw = await bank.read<Record<string, unknown>>("activityobject", minted.id);
  assert.equal(raw.content, CLEAN);
  assert.equal(raw.summary, CLEAN);
  assert.equal(raw.displayName, "N");
  assert.equal(raw[HTML_MARK], HTML_VERSION);
  // A remote object first seen in an activity (ensure), then a newer copy of it (merge).
  const remote = await objects.ensure({ id: "https://remote.example/note/1", objectType: "note", updated: "2000-01-01T00:00:00Z", content: DIRTY, author: { id: "acct:bob@remote.example", objectType: "person", summary: DIRTY }, attachments: [{ objectType: "image", content: DIRTY }] });
  assert.equal(remote.content, CLEAN);
  assert.equal(remote.author.summary, CLEAN);
  assert.equal(remote.attachments[0].content, CLEAN);
  assert.equal((await bank.read<Record<string, any>>("activityobject", remote.id)).author.summary, CLEAN);
  await objects.ensure({ id: "https://remote.example/note/1", objectType: "note", content: `${DIRTY}!`, updated: "2999-01-01T00:00:00Z" });
  assert.equal((await bank.read<Record<string, unknown>>("activityobject", remote.id)).content, `${CLEAN}!`);
});

test("a record written by an older version (no mark) is sanitised when read, the stored copy left as it was", async (t) => {
  const { bank, objects } = await store(t);
  const id = "https://social.example/api/note/legacy";
  await bank.create("activityobject", id, { id, objectType: "note", content: DIRTY, author: { id: "x", objectType: "person", summary: DIRTY } });
  const read = await objects.get(id);
  assert.equal(read!.content, CLEAN);
  assert.equal(read!.author.summary, CLEAN);
  assert.equal((await objects.getMany([id])).get(id)!.content, CLEAN);
  assert.equal((await bank.read<Record<string, unknown>>("activityobject", id)).content, DIRTY);
  // A marked record is trusted as it is (no second pass on every read).
  const marked = { content: "<p>kept</p>", [HTML_MARK]: HTML_VERSION };
  assert.equal(cleanOnRead(marked), marked);
  // An older mark counts as none.
  assert.equal(cleanOnRead({ content: DIRTY, [HTML_MARK]: HTML_VERSION - 1 }).content, CLEAN);
});
