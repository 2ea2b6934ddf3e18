import { ConfigError } from "./errors";
import type { KeySpec } from "./keys";
import { trustProxyFromJson, trustProxyFromText, type TrustProxyResult } from "./trust-proxy";

/** Returned when a value means "not set here" (null for a key that cannot be null). */
export const UNSET: unique symbol = Symbol("unset");
export type Coerced = unknown | typeof UNSET;

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/** true/false/1/0/yes/no/on/off, any case; undefined for anything else. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return undefined;
}

function fail(path: string, value: unknown, from: string, what: string): never {
  // Objects are not echoed: they may hold client secrets or passwords.
  if (typeof value === "object" && value !== null) throw new ConfigError(`${path} (from ${from}) ${what}`);
  throw new ConfigError(`${path}: ${JSON.stringify(value) ?? String(value)} (from ${from}) ${what}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function intWhat(spec: { min: number; max: number; port?: boolean; nullable: boolean }): string {
  if (spec.port) return `is not a valid port number (${spec.min}-${spec.max})`;
  return `is not a whole number between ${spec.min} and ${spec.max}`;
}

function checkInt(path: string, n: number, raw: unknown, from: string, spec: Extract<KeySpec, { kind: "int" }>): number {
  if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) fail(path, raw, from, intWhat(spec));
  return n;
}

const INT_TEXT = /^[+-]?\d+$/;
const BOOL_WHAT = "is not a boolean (use true/false, yes/no, on/off or 1/0)";

function parseJsonText(path: string, text: string, from: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail(path, text, from, `is not valid JSON; expected ${expected}`);
  }
}

const NO_OFF_STATE: unique symbol = Symbol("no off state");

/**
 * What a falsy setting means for a key, as in the original: off for
 * switches (false), nothing for optional strings and numbers (null, so the
 * derived default applies: urlPort = port, children = auto), empty for lists
 * and objects, and a key's own off value (cleanupNonce: 0). Keys that
 * cannot be off (port, hostname, driver, ...) have none.
 */
export function offValue(spec: KeySpec): unknown {
  switch (spec.kind) {
    case "boolean":
    case "boolOrObject":
    case "trustProxy":
      return false;
    case "string":
      return spec.nullable ? null : NO_OFF_STATE;
    case "int":
      return spec.nullable ? null : spec.off ?? NO_OFF_STATE;
    case "object":
      return {};
    case "stringArray":
    case "objectArray":
      return [];
  }
}

/**
 * Turns the text of an env var or flag into the key's type. Strings stay
 * strings even when they look like numbers; JSON-valued keys take JSON text.
 */
export function coerceText(path: string, spec: KeySpec, text: string, from: string): Coerced {
  // An empty variable (PUMPIO_FIREHOSE=) is falsy, as in a config file.
  if (text.trim() === "") {
    const off = offValue(spec);
    if (off !== NO_OFF_STATE) return off;
  }
  switch (spec.kind) {
    case "string":
      if (text === "") return fail(path, text, from, "must not be empty");
      return text;
    case "int": {
      const t = text.trim();
      if (!INT_TEXT.test(t)) return fail(path, text, from, intWhat(spec));
      return checkInt(path, Number(t), text, from, spec);
    }
    case "boolean": {
      const b = parseBoolean(text);
      if (b === undefined) return fail(path, text, from, BOOL_WHAT);
      return b;
    }
    case "boolOrObject": {
      const b = parseBoolean(text);
      if (b !== undefined) return b;
      if (text.trim().startsWith("{")) {
        return coerceJson(path, spec, parseJsonText(path, text, from, "a JSON object"), from);
      }
      return fail(path, text, from, `is neither a boolean nor a JSON object such as '{"maxAge":15552000}'`);
    }
    case "object":
      return coerceJson(path, spec, parseJsonText(path, text, from, "a JSON object"), from);
    case "stringArray": {
      const t = text.trim();
      if (t.startsWith("[")) return coerceJson(path, spec, parseJsonText(path, text, from, "a JSON array of strings"), from);
      // A comma-separated list is the convenient form for env vars: PUMPIO_PLUGINS=a,b
      return t.split(",").map((s) => s.trim()).filter((s) => s !== "");
    }
    case "objectArray":
      return coerceJson(path, spec, parseJsonText(path, text, from, "a JSON array of objects"), from);
    case "trustProxy":
      return trustProxyValue(path, text, from, trustProxyFromText(text));
  }
}

function trustProxyValue(path: string, raw: unknown, from: string, r: TrustProxyResult): unknown {
  return r.ok ? r.value : fail(path, raw, from, r.what);
}

/**
 * Checks (and where harmless, converts) a value read from a JSON config file:
 * numeric strings are accepted for numbers, numbers for strings, and
 * anything else of the wrong type is an error naming the file.
 */
export function coerceJson(path: string, spec: KeySpec, value: unknown, from: string): Coerced {
  // The original tested most keys for truthiness, so a falsy value (null,
  // false, 0, "") turned a feature off or left it to its default:
  // "firehose": false, "children": 0, "clients": null. Keys with such an
  // off state take any falsy value for it; the others take null as "use
  // the default" and reject the rest by type below.
  if (!value) {
    const off = offValue(spec);
    if (off !== NO_OFF_STATE) return off;
    if (value === null) return UNSET;
  }
  switch (spec.kind) {
    case "string":
      if (value === "") return fail(path, value, from, "must not be empty");
      if (typeof value === "string") return value;
      if (typeof value === "number") return String(value);
      return fail(path, value, from, "must be a string");
    case "int":
      if (typeof value === "number") return checkInt(path, value, value, from, spec);
      if (typeof value === "string" && INT_TEXT.test(value.trim())) return checkInt(path, Number(value.trim()), value, from, spec);
      return fail(path, value, from, intWhat(spec));
    case "boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "string" || typeof value === "number") {
        const b = parseBoolean(String(value));
        if (b !== undefined) return b;
      }
      return fail(path, value, from, BOOL_WHAT);
    case "boolOrObject": {
      if (typeof value === "boolean") return value;
      if (typeof value === "string") {
        const b = parseBoolean(value);
        if (b !== undefined) return b;
      }
      if (!isPlainObject(value)) return fail(path, value, from, "must be true, false or an object");
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const t = spec.fields[k];
        out[k] = t === undefined ? v : coerceField(`${path}.${k}`, t, v, from);
      }
      return out;
    }
    case "object":
      if (!isPlainObject(value)) return fail(path, value, from, "must be an object");
      return value;
    case "stringArray":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        return fail(path, value, from, "must be an array of strings");
      }
      return value;
    case "objectArray": {
      if (!Array.isArray(value)) return fail(path, value, from, "must be an array of objects");
      value.forEach((item, i) => {
        if (!isPlainObject(item)) fail(`${path}[${i}]`, item, from, "must be an object");
        for (const field of spec.required) {
          if (typeof item[field] !== "string" || item[field] === "") {
            fail(`${path}[${i}]`, item, from, `needs a non-empty string "${field}"`);
          }
        }
      });
      return value;
    }
    case "trustProxy":
      return trustProxyValue(path, value, from, trustProxyFromJson(value));
  }
}

/** Coerces one typed field of an object-valued key (e.g. hsts.maxAge), from text or JSON. */
export function coerceField(path: string, type: "boolean" | "int", value: unknown, from: string): unknown {
  if (type === "boolean") {
    if (typeof value === "boolean") return value;
    const b = typeof value === "string" ? parseBoolean(value) : undefined;
    if (b === undefined) return fail(path, value, from, BOOL_WHAT);
    return b;
  }
  const n = typeof value === "number" ? value : typeof value === "string" && INT_TEXT.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return fail(path, value, from, "is not a whole number of 0 or more");
  return n;
}
