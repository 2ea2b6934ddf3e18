import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Request } from "express";
import { createHmac } from "node:crypto";
import { computeSignature, requestBaseUrl } from "../../lib/oauth/signature";

/** Just the two fields requestBaseUrl reads. */
const req = (host: string | undefined, originalUrl: string): Request => ({ headers: host === undefined ? {} : { host }, originalUrl }) as unknown as Request;
const opts = { https: false, canonicalHost: "social.example", urlPath: "" };

describe("requestBaseUrl", () => {
  it("uses the Host header, drops the query, keeps the path as sent", () => {
    assert.equal(requestBaseUrl(req("Other.Example:8080", "/api/x%20y?a=1"), opts), "http://other.example:8080/api/x%20y");
  });

  it("uses https only when this server has a TLS key, and drops default ports", () => {
    assert.equal(requestBaseUrl(req("social.example:443", "/a"), { ...opts, https: true }), "https://social.example/a");
    assert.equal(requestBaseUrl(req("social.example:80", "/a"), opts), "http://social.example/a");
    assert.equal(requestBaseUrl(req("social.example:443", "/a"), opts), "http://social.example:443/a");
  });

  it("adds urlPath only when the Host is the canonical host", () => {
    assert.equal(requestBaseUrl(req("social.example", "/api/a"), { ...opts, urlPath: "/pump" }), "http://social.example/pump/api/a");
    assert.equal(requestBaseUrl(req("127.0.0.1:31337", "/api/a"), { ...opts, urlPath: "/pump" }), "http://127.0.0.1:31337/api/a");
    // A proxy that passes the path through: it already has the prefix.
    assert.equal(requestBaseUrl(req("social.example", "/pump/api/a"), { ...opts, urlPath: "/pump" }), "http://social.example/pump/api/a");
    assert.equal(requestBaseUrl(req("social.example", "/pump?x=1"), { ...opts, urlPath: "/pump" }), "http://social.example/pump");
    assert.equal(requestBaseUrl(req("social.example", "/pumpkin/a"), { ...opts, urlPath: "/pump" }), "http://social.example/pump/pumpkin/a");
  });

  it("falls back to the canonical host without a Host header", () => {
    assert.equal(requestBaseUrl(req(undefined, "/a"), opts), "http://social.example/a");
  });
});

describe("computeSignature", () => {
  it("matches RFC 5849's example (§1.2, HMAC-SHA1)", () => {
    // The photos.example.net example of RFC 5849 §1.2 / RFC 5849 §3.4.1.1.
    const params = {
      oauth_consumer_key: ["dpf43f3p2l4k3l03"],
      oauth_token: ["nnch734d00sl2jdk"],
      oauth_signature_method: ["HMAC-SHA1"],
      oauth_timestamp: ["1191242096"],
      oauth_nonce: ["kllo9940pd9333jh"],
      oauth_version: ["1.0"],
      file: ["vacation.jpg"],
      size: ["original"],
    };
    const sig = computeSignature("HMAC-SHA1", "GET", "http://photos.example.net/photos", params, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    assert.equal(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
  });

  it("sorts repeated parameters by value (RFC 5849 §3.4.1.3.2)", () => {
    const a = computeSignature("HMAC-SHA1", "POST", "http://x.example/p", { a: ["2", "1"], oauth_nonce: ["n"] }, "cs", "");
    const b = computeSignature("HMAC-SHA1", "POST", "http://x.example/p", { a: ["1", "2"], oauth_nonce: ["n"] }, "cs", "");
    assert.equal(a, b);
    const expectedBase = "POST&http%3A%2F%2Fx.example%2Fp&a%3D1%26a%3D2%26oauth_nonce%3Dn";
    assert.equal(a, createHmac("sha1", "cs&").update(expectedBase).digest("base64"));
  });

  it("is the encoded secrets joined by & for PLAINTEXT", () => {
    assert.equal(computeSignature("PLAINTEXT", "GET", "http://x.example/", {}, "c s", "t&s"), "c%20s&t%26s");
  });
});
