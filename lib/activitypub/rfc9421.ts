/**
 * RFC 9421 HTTP Message Signatures (and RFC 9530 Content-Digest) for
 * ActivityPub, by the `http-message-signatures` library: fedify 1.5 only
 * speaks draft-cavage, and fedify 1.6+, which speaks both, needs Node 22.
 */
import { createHash, createPublicKey, timingSafeEqual, verify as cryptoVerify } from "node:crypto";
import { createSigner, httpbis } from "http-message-signatures";
import { UnauthorizedError } from "../errors";

/** The signature label we send (fedify and Mastodon use the same). */
const LABEL = "sig1";
const ALG = "rsa-v1_5-sha256";

/** A public key as the key lookup found it: its PEM and the actor that owns it. */
export interface FoundKey {
  publicKeyPem: string;
  owner: string;
}

/** Finds the key a `keyid` names; `refresh` when the cached one failed (a rotated key). */
export type KeyLookup = (keyId: string, refresh: boolean) => Promise<FoundKey | null>;

/** `Content-Digest: sha-256=:…:` of a body (RFC 9530). */
export function contentDigest(body: string | Buffer): string {
  return `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
}

const DIGESTS: Record<string, string> = { "sha-256": "sha256", "sha-512": "sha512" };

/**
 * Does a Content-Digest header match the body? Every algorithm we know
 * must match, and at least one must be known (unknown ones are skipped,
 * as RFC 9530 allows).
 */
export function contentDigestMatches(header: string, body: Buffer): boolean {
  let known = 0;
  for (const part of header.split(",")) {
    const m = /^\s*([A-Za-z0-9-]+)\s*=\s*:([A-Za-z0-9+/=]*):\s*$/.exec(part);
    if (!m) return false;
    const algo = DIGESTS[m[1]!.toLowerCase()];
    if (!algo) continue;
    known++;
    const want = createHash(algo).update(body).digest();
    const got = Buffer.from(m[2]!, "base64");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return false;
  }
  return known > 0;
}

/**
 * The headers of a request signed by RFC 9421: `@method`, `@target-uri`,
 * `@authority` and, with a body, `content-digest`; parameters keyid, alg
 * and created. `headers` are kept and the Content-Digest, Signature-Input
 * and Signature headers added.
 */
export async function signRfc9421(
  signer: { privateKeyPem: string; keyId: string },
  req: { method: string; url: string; headers: Record<string, string>; body?: string },
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...req.headers };
  const fields = ["@method", "@target-uri", "@authority"];
  if (req.body !== undefined) {
    headers["Content-Digest"] = contentDigest(req.body);
    fields.push("content-digest");
  }
  const signed = await httpbis.signMessage(
    { key: createSigner(signer.privateKeyPem, ALG, signer.keyId), name: LABEL, fields, params: ["keyid", "alg", "created"] },
    { method: req.method, url: req.url, headers },
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** The component names a signature base covers (`"@method": POST` → `@method`). */
function coveredComponents(base: Buffer): Set<string> {
  const names = new Set<string>();
  for (const line of base.toString("utf8").split("\n")) {
    const m = /^"([^"]+)"(?:;[^:]*)?:/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/** Algorithm by key type, when the signature names none. */
function verifyWith(pem: string, alg: string | undefined, data: Buffer, signature: Buffer): boolean {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType === "ed25519" && (!alg || alg === "ed25519")) return cryptoVerify(null, data, key, signature);
  if (key.asymmetricKeyType === "rsa" && (!alg || alg === ALG)) return cryptoVerify("sha256", data, key, signature);
  return false;
}

export interface Rfc9421Input {
  method: string;
  url: string;
  headers: Record<string, string>;
  rawBody?: Buffer;
}

/**
 * Verifies an RFC 9421 signed request: exactly one signature, with keyid
 * and created (within `windowSeconds` either side of now), covering the
 * method, the target (`@target-uri`, or `@authority` with `@path`) and,
 * for a body, a `content-digest` that matches it. The key is looked up
 * by keyid, and once more afresh when the cached one does not verify.
 * Any failure is a 401.
 */
export async function verifyRfc9421(req: Rfc9421Input, lookup: KeyLookup, windowSeconds: number): Promise<{ keyId: string; owner: string }> {
  const hasBody = (req.rawBody?.length ?? 0) > 0 || req.method === "POST";
  if (hasBody) {
    const digest = req.headers["content-digest"];
    if (!digest || !contentDigestMatches(digest, req.rawBody ?? Buffer.alloc(0))) throw new UnauthorizedError("Content-Digest missing or not matching the body");
  }
  let labels = 0;
  let found: { keyId: string; owner: string } | null = null;
  let ok: boolean | null = null;
  try {
    ok = await httpbis.verifyMessage(
      {
        requiredParams: ["keyid", "created"],
        maxAge: windowSeconds,
        notAfter: Math.floor(Date.now() / 1000) + windowSeconds,
        keyLookup: async (params) => {
          labels++;
          const keyId = typeof params.keyid === "string" ? params.keyid : null;
          if (labels > 1 || !keyId || !/^https?:\/\//.test(keyId)) return null;
          return {
            id: keyId,
            verify: async (data, signature, p) => {
              const covered = coveredComponents(data);
              const target = covered.has("@target-uri") || (covered.has("@authority") && (covered.has("@path") || covered.has("@request-target")));
              if (!covered.has("@method") || !target || (hasBody && !covered.has("content-digest"))) return false;
              const alg = typeof p?.alg === "string" ? p.alg : undefined;
              for (const refresh of [false, true]) {
                const key = await lookup(keyId, refresh);
                if (key && verifyWith(key.publicKeyPem, alg, data, signature)) {
                  found = { keyId, owner: key.owner };
                  return true;
                }
              }
              return false;
            },
          };
        },
      },
      { method: req.method, url: req.url, headers: req.headers },
    );
  } catch {
    ok = false;
  }
  if (ok !== true || labels !== 1 || !found) throw new UnauthorizedError("Invalid HTTP Message Signature");
  return found;
}
