import { isPlainObject } from "./layer";
import type { PumpConfig } from "./types";

export const REDACTED = "[redacted]";

const SECRET_KEYS = /pass(word|wd)?$|secret|token|credential|apikey|api_key/i;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i;

/** Hides the password of a URL such as mongodb://user:pw@host/db. */
function redactUrl(s: string): string {
  return s.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** Copies a value, hiding fields whose names look secret and passwords inside URLs. */
function scrub(value: unknown): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && v !== null && v !== undefined && typeof v !== "boolean" ? REDACTED : scrub(v);
    }
    return out;
  }
  return value;
}

/**
 * A copy of the config safe to print or log: the session secret, SMTP and
 * spam-server secrets, the metrics token, configured clients' secrets, users' passwords and
 * tokens, and password-like driver params (including passwords inside
 * connection URLs) become "[redacted]". Unset (null) secrets stay null so an
 * admin can see they are missing.
 */
export function redactConfig(c: PumpConfig): Record<string, unknown> {
  const out = scrub(c) as Record<string, unknown>;
  for (const k of ["secret", "smtppass", "spamclientsecret", "metricsToken"] as const) {
    if (c[k] !== null) out[k] = REDACTED;
  }
  return out;
}
