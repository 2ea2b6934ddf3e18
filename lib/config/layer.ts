import { coerceField, coerceJson, coerceText, UNSET } from "./coerce";
import { ConfigError } from "./errors";
import { camelCase, KEY_SPECS, lookupKey, lookupReservedKey, normalizeName, specOf } from "./keys";
import type { RawConfig, SettableKey } from "./types";

/**
 * The settings one source contributes (a file, the environment, the command
 * line), already coerced to their types, with the name of the exact place
 * each key came from (for error messages).
 */
export interface Layer {
  values: Partial<Record<SettableKey, unknown>>;
  from: Map<SettableKey, string>;
}

export function emptyLayer(): Layer {
  return { values: {}, from: new Map() };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges plain objects; anything else (arrays, scalars, null) replaces.
 * Returns new objects and never mutates its inputs.
 */
export function mergeValue(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeValue(out[k], v) : v;
  return out;
}

/** The error for a computed or obsolete key, wherever it was set. */
export function reservedKeyError(name: string, from: string): ConfigError {
  if (name === "uploaddir") {
    return new ConfigError(
      `"uploaddir" (set in ${from}) is obsolete since pump.io 3.0: remove it, set "datadir" to a directory ` +
        `and "enableUploads" to true; uploads are kept in <datadir>/uploads (move existing files there).`,
    );
  }
  const hint = name === "workers" ? ` Use "children" to choose the number of worker processes.` : "";
  return new ConfigError(`"${name}" (set in ${from}) is computed by pump and cannot be configured: remove it.${hint}`);
}

export function unknownKeyWarning(name: string, from: string): string {
  return `Unknown configuration key "${name}" in ${from} (ignored)`;
}

function setIn(layer: Layer, key: SettableKey, value: unknown, from: string): void {
  layer.values[key] = key in layer.values ? mergeValue(layer.values[key], value) : value;
  layer.from.set(key, from);
}

/**
 * Adds one setting given as text (an env var or a flag) to a layer.
 * `segments` is the key path: ["port"] or ["params", "host"]. Sub-key names
 * of free-form objects are camel-cased (`AUTH_SOURCE` → `authSource`).
 */
export function addTextSetting(layer: Layer, warnings: string[], segments: string[], text: string, from: string): void {
  const [head, ...rest] = segments;
  const key = lookupKey(head ?? "");
  if (key === undefined) {
    const reserved = lookupReservedKey(head ?? "");
    if (reserved !== undefined) throw reservedKeyError(reserved, from);
    warnings.push(unknownKeyWarning(camelCase(segments.join(".")), from));
    return;
  }
  const spec = specOf(key);
  if (rest.length === 0) {
    const v = coerceText(key, spec, text, from);
    if (v !== UNSET) setIn(layer, key, v, from);
    return;
  }
  if (spec.kind === "object") {
    const path = rest.map(camelCase);
    let value: unknown = text;
    for (const seg of [...path].reverse()) value = { [seg]: value };
    setIn(layer, key, value, from);
    return;
  }
  if (spec.kind === "boolOrObject" && rest.length === 1) {
    const wanted = normalizeName(rest[0] ?? "");
    const field = Object.keys(spec.fields).find((f) => normalizeName(f) === wanted) ?? camelCase(rest[0] ?? "");
    const type = spec.fields[field];
    const v = type === undefined ? text : coerceField(`${key}.${field}`, type, text, from);
    // A sub-key turns a plain `true`/`false` from a lower layer into an object.
    setIn(layer, key, { [field]: v }, from);
    return;
  }
  throw new ConfigError(`${from} sets a sub-key of "${key}", which is not an object: use ${key} on its own.`);
}

/** Adds the top-level keys of a parsed JSON config file to a layer. */
export function addJsonSettings(layer: Layer, warnings: string[], obj: Record<string, unknown>, from: string): void {
  for (const [name, value] of Object.entries(obj)) {
    // "//"-prefixed keys are comments (see pump.io.json.example).
    if (name.startsWith("//")) continue;
    const key = Object.prototype.hasOwnProperty.call(KEY_SPECS, name) ? (name as SettableKey) : undefined;
    if (key === undefined) {
      const reserved = lookupReservedKey(name);
      if (reserved !== undefined) throw reservedKeyError(reserved, from);
      const near = lookupKey(name);
      warnings.push(unknownKeyWarning(name, from) + (near ? `; did you mean "${near}"?` : ""));
      continue;
    }
    const v = coerceJson(key, specOf(key), value, from);
    if (v !== UNSET) setIn(layer, key, v, from);
  }
}

/** Merges layers from lowest to highest precedence. */
export function mergeLayers(base: RawConfig, layers: Layer[]): { raw: RawConfig; from: Map<SettableKey, string> } {
  const raw: Record<string, unknown> = { ...base };
  const from = new Map<SettableKey, string>();
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values) as Array<[SettableKey, unknown]>) {
      raw[k] = mergeValue(raw[k], v);
      from.set(k, layer.from.get(k) ?? "?");
    }
  }
  return { raw: raw as RawConfig, from };
}
