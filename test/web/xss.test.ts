import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import type { TestServer } from "../support/server";
import { createViewHelpers } from "../../lib/web/view-helpers";
import { Browser, objectLink, registerVia, startWeb } from "./support";

/** Payloads that must never come out live. */
const CORPUS = [
  `<script>alert(1)</script>`,
  `<img src=x onerror=alert(2)>`,
  `<a href="javascript:alert(3)">click</a>`,
  `<svg onload=alert(4)><script>alert(5)</script></svg>`,
  `<svg><a xlink:href="javascript:alert(6)"><text>x</text></a></svg>`,
  `"><script>alert(7)</script>`,
  `<iframe src="javascript:alert(8)"></iframe>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(9)>`,
  `<a href=" JaVaScRiPt:alert(10)">x</a>`,
  `<body onload=alert(11)>`,
].join(" ");

let server: TestServer;
let mallory: Browser;
let victim: Browser;

before(async () => {
  server = await startWeb();
  mallory = new Browser(server.url);
  victim = new Browser(server.url);
  await registerVia(mallory, "mallory");
  await registerVia(victim, "victim");
  await victim.submit("/main/follow", { object: `${server.url}/api/user/mallory/profile`, objectType: "person" });
  await mallory.submit("/main/settings", { displayName: CORPUS.slice(0, 190), summary: CORPUS });
  await mallory.submit("/main/post", { content: CORPUS, to: "public" });
});
after(() => server.close());

/**
 * No live script of any kind in a page, judged on the parsed DOM (as a
 * browser would build it; text that merely mentions "<script" is fine).
 */
function assertInert(html: string, where: string): void {
  const doc = new JSDOM(html).window.document;
  for (const s of doc.querySelectorAll("script")) {
    // Our own pages load only external scripts of our own.
    assert.match(s.getAttribute("src") ?? "", /^\/[^/]/, `${where}: inline or foreign script`);
  }
  for (const el of doc.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      assert.ok(!/^on/i.test(attr.name), `${where}: <${el.tagName} ${attr.name}>`);
      if (/^(href|src|action|formaction|xlink:href|data)$/i.test(attr.name)) {
        assert.ok(!/^\s*javascript:/i.test(attr.value), `${where}: ${attr.name}=${attr.value}`);
      }
    }
  }
  assert.equal(doc.querySelectorAll("svg, iframe, math, object, embed").length, 0, `${where}: dangerous element`);
  // And the raw text: no script tag opens (mentions are escaped as &lt;script).
  assert.doesNotMatch(html, /<script(?! src="\/)/i, `${where}: raw <script`);
}

test("the XSS corpus as a note, display name and bio is inert on every page", async () => {
  const profile = await victim.page("/mallory");
  assert.ok(profile.includes("&lt;script&gt;"), "the text is there, escaped");
  const notePath = objectLink(profile, "mallory", "note");
  assert.ok(notePath);
  for (const [b, path] of [
    [victim, "/"],
    [victim, "/mallory"],
    [victim, notePath],
    [victim, "/victim/following"],
    [new Browser(server.url), "/mallory"],
    [mallory, "/main/settings"],
    [mallory, "/"],
  ] as const) {
    assertInert(await b.page(path), path);
  }
});

test("pages serve stored HTML as the store hands it out (sanitised once, when written); links are checked", async () => {
  const h = createViewHelpers(server.url);
  // No second sanitising pass per page view: the stores did it (test/model/html.test.ts).
  assert.equal(h.html("<p>stored</p>"), "<p>stored</p>");
  assert.equal(h.text("<p>a &amp; b</p>"), "a & b");
  assert.equal(h.href("javascript:alert(1)"), "#");
  assert.equal(h.href(" data:text/html,x"), "#");
  assert.equal(h.href(`${server.url}/alice`), "/alice");
  assert.equal(h.href("https://example.com/x"), "https://example.com/x");
});
