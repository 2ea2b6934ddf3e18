import { test } from "node:test";
import assert from "node:assert/strict";
import { sanitizeHtml, scrubActivity } from "../../lib/activity/scrub";

test("script, event handlers and javascript: URLs are removed", () => {
  assert.equal(sanitizeHtml("<p>hi<script>alert(1)</script></p>"), "<p>hi</p>");
  assert.equal(sanitizeHtml('<img src="x.png" onerror="alert(1)">'), '<img src="x.png">');
  assert.equal(sanitizeHtml('<a href="javascript:alert(1)">x</a>'), "<a>x</a>");
});

test("harmless strings pass byte-identical", () => {
  for (const s of ["Hello, world!", "<strong>bold</strong> and <em>em</em>", '<a href="http://example.com/">link</a>', "<p>one</p><p>two</p>", "naïve café ☕"]) {
    assert.equal(sanitizeHtml(s), s);
  }
});

test("an activity is scrubbed in every place §8 lists, and _ keys go", () => {
  const evil = "<b>x</b><script>bad()</script>";
  const act: Record<string, any> = {
    _hidden: 1,
    content: evil,
    displayName: "<script>kept</script>",
    object: {
      _uuid: "x",
      content: evil,
      summary: evil,
      displayName: "<i>name</i>",
      author: { content: evil, _x: 1 },
      attachments: [{ content: evil }],
      tags: [{ summary: evil }],
      location: { content: evil },
    },
    target: { content: evil },
    to: [{ objectType: "person", id: "p", summary: evil }],
    bcc: [{ objectType: "person", id: "q", content: evil }],
  };
  scrubActivity(act);
  const clean = "<b>x</b>";
  assert.equal(act._hidden, undefined);
  assert.equal(act.content, clean);
  assert.equal(act.displayName, "<script>kept</script>");
  assert.equal(act.object._uuid, undefined);
  assert.equal(act.object.content, clean);
  assert.equal(act.object.summary, clean);
  assert.equal(act.object.displayName, "<i>name</i>");
  assert.equal(act.object.author.content, clean);
  assert.equal(act.object.author._x, undefined);
  assert.equal(act.object.attachments[0].content, clean);
  assert.equal(act.object.tags[0].summary, clean);
  assert.equal(act.object.location.content, clean);
  assert.equal(act.target.content, clean);
  assert.equal(act.to[0].summary, clean);
  assert.equal(act.bcc[0].content, clean);
});
