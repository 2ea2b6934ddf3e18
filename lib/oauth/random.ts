import { randomBytes, timingSafeEqual, createHash } from "node:crypto";

/**
 * A random URL-safe string from `bytes` random bytes: base64 with `+`→`-`,
 * `/`→`_` and no padding, as the original's lib/randomstring.js. 16 bytes
 * give 22 characters (tokens, verifiers, consumer keys), 32 give 43 (secrets).
 */
export function randomString(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** A new token, verifier or consumer key (22 characters). */
export function newToken(): string {
  return randomString(16);
}

/** A new secret (43 characters). */
export function newSecret(): string {
  return randomString(32);
}

/**
 * Constant-time string comparison. Both sides are hashed first so the
 * buffers handed to timingSafeEqual always have the same length and the
 * time taken reveals nothing about the length of the secret either.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}
