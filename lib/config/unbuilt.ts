import { isDeepStrictEqual } from "node:util";
import { DEFAULTS } from "./defaults";
import { ConfigError } from "./errors";
import type { RawConfig, SettableKey } from "./types";

/**
 * Keys of the original whose feature this version does not have yet, and
 * what that feature is. Accepting them silently would promise what the
 * server does not do (requireEmail alone locked every new account out), so
 * setting one stops pump. When a feature lands, delete its keys here.
 */
export const UNBUILT_KEYS: Partial<Record<SettableKey, string>> = {};

/** Set to something that asks for the feature: truthy (a non-empty list) and not the built-in default. */
function asksForIt(key: SettableKey, value: unknown): boolean {
  if (Array.isArray(value) ? value.length === 0 : !value) return false;
  return !isDeepStrictEqual(value, DEFAULTS[key]);
}

/**
 * Stops pump when a key of an unbuilt feature is set. A falsy value (false,
 * null, "", 0, []) or the built-in default is fine: it asks for nothing.
 */
export function checkUnbuilt(raw: RawConfig, origin: (key: SettableKey) => string): void {
  for (const [key, feature] of Object.entries(UNBUILT_KEYS) as Array<[SettableKey, string]>) {
    if (!asksForIt(key, raw[key])) continue;
    throw new ConfigError(
      `${key} (from ${origin(key)}) is set, but ${feature} is not available in this version of pump.io: remove "${key}" or set it to false or null.`,
    );
  }
}
