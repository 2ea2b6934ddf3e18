import { randomBytes } from "node:crypto";

/**
 * A fresh identifier: 16 random bytes with the UUID v4 version/variant bits,
 * base64url-encoded without padding (22 characters), as the original's idmaker.
 */
export function newUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b.toString("base64url");
}

/** A UTC ISO timestamp without milliseconds: `2013-05-01T12:00:00Z`. */
export function stamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
