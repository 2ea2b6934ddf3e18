import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeHtml, type MentionResolver } from "../../lib/web/compose";

const people: Record<string, string> = { bob: "http://site.example/api/user/bob/profile" };
const resolver: MentionResolver = {
  host: "site.example",
  async local(nick) {
    return people[nick] ? { id: people[nick], url: `http://site.example/${nick}` } : null;
  },
};

describe("composeHtml: Markdown-like text to safe HTML", () => {
  test("bold, italic, bare links, paragraphs and line breaks", async () => {
    const { html } = await composeHtml("Hello **world** and _you_\nsee http://example.com/x.\n\nNext", resolver);
    assert.match(html, /<strong>world<\/strong>/);
    assert.match(html, /<em>you<\/em>/);
    assert.match(html, /<a [^>]*href="http:\/\/example\.com\/x"[^>]*>http:\/\/example\.com\/x<\/a>\./);
    assert.match(html, /<br \/>/);
    assert.equal((html.match(/<p>/g) ?? []).length, 2);
  });

  test("lists, quotes and code; raw scripts and handlers never survive", async () => {
    const { html } = await composeHtml("- a\n- b\n\n> said\n\n`x < y` <b>ok</b> <script>alert(1)</script><img src=x onerror=alert(1)>", resolver);
    assert.match(html, /<ul>\s*<li>a<\/li>\s*<li>b<\/li>\s*<\/ul>/);
    assert.match(html, /<blockquote>/);
    assert.match(html, /<code>x &lt; y<\/code>/);
    assert.match(html, /<b>ok<\/b>/);
    assert.doesNotMatch(html, /<script|<img/);
    assert.match(html, /&lt;script>|&lt;script&gt;/);
  });

  test("a < that starts no allowed tag is text, typed as it was", async () => {
    const { html } = await composeHtml("Hello <world> & friends, I <3 `a<b`", resolver);
    assert.match(html, /Hello &lt;world&gt; &amp; friends, I &lt;3 <code>a&lt;b<\/code>/);
    const typed = await composeHtml(`<a href="javascript:alert(1)">click me</a> and [a link](http://example.com/)`, resolver);
    assert.match(typed.html, /^<p>&lt;a href="javascript:alert\(1\)"&gt;click me&lt;\/a&gt; and <a [^>]*href="http:\/\/example\.com\/"/);
  });

  test("mentions: a local person, a person elsewhere, an unknown name, an e-mail address", async () => {
    const { html, mentions } = await composeHtml("hi @bob, @carol@other.example, @nobody and mail bob@example.com `@bob`", resolver);
    assert.match(html, /<a [^>]*href="http:\/\/site\.example\/bob"[^>]*>@bob<\/a>/);
    assert.match(html, /<a [^>]*href="https:\/\/other\.example\/carol"[^>]*>@carol@other\.example<\/a>/);
    assert.match(html, /@nobody/);
    assert.doesNotMatch(html, /href="[^"]*nobody/);
    assert.match(html, /<code>@bob<\/code>/);
    assert.deepEqual(mentions.map((m) => [m.nickname, m.host, m.id ?? null]), [["bob", null, people.bob], ["carol", "other.example", null]]);
  });
});
