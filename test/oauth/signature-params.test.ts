import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import OAuth1 from "oauth-1.0a";
import { computeSignature, percentEncode } from "../../lib/oauth/signature";
import type { ParamMap } from "../../lib/oauth/request-params";

/** The signature as the `oauth-1.0a` library computes it for these parameters (duplicates as arrays). */
function librarySignature(method: "HMAC-SHA1" | "PLAINTEXT", httpMethod: string, url: string, params: ParamMap, secret: string, tokenSecret: string): string {
  const signer = new OAuth1({
    consumer: { key: "", secret },
    signature_method: method,
    hash_function: method === "HMAC-SHA1" ? (base, key) => createHmac("sha1", key).update(base).digest("base64") : (_base, key) => key,
  });
  const data: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) data[k] = v.length === 1 ? v[0]! : [...v];
  return signer.getSignature({ url, method: httpMethod, data: {} }, tokenSecret, data as unknown as OAuth1.Data);
}

const oauth = (extra: Record<string, string> = {}): ParamMap => {
  const p: ParamMap = Object.create(null);
  const all = { oauth_consumer_key: "key-1", oauth_nonce: "n0nce", oauth_signature_method: "HMAC-SHA1", oauth_timestamp: "1700000000", oauth_version: "1.0", ...extra };
  for (const [k, v] of Object.entries(all)) p[k] = [v];
  return p;
};

test("the signature of single-valued parameters is the library's, whatever their values", () => {
  const cases: ParamMap[] = [
    oauth(),
    oauth({ count: "20", before: "urn:uuid:1?x=y&z", q: "it's (really) *so*!", empty: "", unicode: "ünïcødé ✓", plus: "a+b c", pct: "100%" }),
    oauth({ "1": "numeric name", Zeta: "upper", alpha: "lower", "a.b~c-d_e": "punctuation" }),
    Object.assign(Object.create(null) as ParamMap, { only: ["one"] }),
    Object.create(null) as ParamMap,
  ];
  for (const params of cases) {
    for (const method of ["HMAC-SHA1", "PLAINTEXT"] as const) {
      for (const [secret, token] of [["s3cr3t", ""], ["sec ret!*'()", "tok&en"], ["", ""]] as const) {
        for (const url of ["http://127.0.0.1:8080/api/user/alice/profile", "https://example.com/a%20b?ignored=1"]) {
          assert.equal(computeSignature(method, "get", url, params, secret, token), librarySignature(method, "get", url, params, secret, token), JSON.stringify({ params, method, secret, url }));
        }
      }
    }
  }
});

test("repeated and odd parameter names still sign as the library does", () => {
  const cases: ParamMap[] = [
    Object.assign(oauth(), { tag: ["b", "a", "c"] }),
    Object.assign(oauth(), { "na me": ["v"], "ü": ["x"], "a*b": ["y"] }),
    Object.assign(oauth(), { ["__proto__"]: ["polluted"], constructor: ["c"] }),
  ];
  for (const params of cases) {
    assert.equal(computeSignature("HMAC-SHA1", "POST", "http://h/x", params, "s", "t"), librarySignature("HMAC-SHA1", "POST", "http://h/x", params, "s", "t"));
  }
});

test("percent-encoding is RFC 3986's", () => {
  assert.equal(percentEncode("a b!*'()~._-"), "a%20b%21%2A%27%28%29~._-");
  assert.equal(percentEncode("ü/?&="), "%C3%BC%2F%3F%26%3D");
});
