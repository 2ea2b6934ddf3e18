import { test } from "node:test";
import assert from "node:assert/strict";
import { sanitizeHtml, sanitizeWithParser } from "../../lib/model/html";

/*
 * sanitizeHtml skips the parser for text without `<`, `>` or `&`: that is
 * only right if the parser gives such text back unchanged. Checked here on
 * many generated strings (a fixed seed: the same strings every run).
 */

const PIECES = [
  ..."abcXYZ 019 ,.;:!?()[]{}=+-*/\\|'\"`~^%$#@_",
  "\t", "\n", "\r", "\r\n", "\u0000", "\u0007", "\u00a0", "\u2028", "\ufeff", "\ud800", "\udc00",
  "é", "ß", "日本", "😀", "amp;", "#39;", "lt;", "nbsp;", "x=\"y\"", "a='b'", "--", "<!--".slice(1), "]]", "?>".slice(0, 1),
];

function* strings(count: number): Generator<string> {
  let seed = 20261128;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    let s = "";
    const len = next(40);
    for (let j = 0; j < len; j++) s += PIECES[next(PIECES.length)];
    yield s;
  }
}

test("text with no <, > or & comes out of the sanitiser unchanged, so skipping the parser for it changes nothing", () => {
  let n = 0;
  for (const s of strings(4000)) {
    assert.doesNotMatch(s, /[<>&]/);
    assert.equal(sanitizeWithParser(s), s, JSON.stringify(s));
    assert.equal(sanitizeHtml(s), s);
    n++;
  }
  assert.equal(n, 4000);
});

test("text with <, > or & still goes through the parser", () => {
  for (const s of ["a & b", "1 < 2", "2 > 1", "<b>bold</b>", "Tom &amp; Jerry", "x <script>alert(1)</script>"]) {
    assert.equal(sanitizeHtml(s), sanitizeWithParser(s), s);
  }
  assert.equal(sanitizeHtml("a & b"), "a &amp; b");
  assert.equal(sanitizeHtml("<p onclick=x>hi</p>"), "<p>hi</p>");
});
