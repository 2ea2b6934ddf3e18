import { addTextSetting, emptyLayer, type Layer } from "./layer";

export const ENV_PREFIX = "PUMPIO_";

export interface EnvSettings {
  layer: Layer;
  /** PUMPIO_CONFIG: the one config file to read instead of /etc and ~. */
  configPath?: string;
}

/**
 * Reads PUMPIO_* variables: the rest of the name is matched to a key without
 * regard to case or underscores (PUMPIO_URL_PORT and PUMPIO_URLPORT are
 * `urlPort`, PUMPIO_OWNER_URL is `ownerURL`); `__` nests (PUMPIO_PARAMS__HOST
 * is `params.host`). Whole-key values are applied before nested ones, so
 * PUMPIO_PARAMS__HOST refines PUMPIO_PARAMS='{...}' whatever the order.
 */
export function readEnv(env: Record<string, string | undefined>, warnings: string[]): EnvSettings {
  const layer = emptyLayer();
  const out: EnvSettings = { layer };
  const entries = Object.entries(env)
    .filter((e): e is [string, string] => e[0].startsWith(ENV_PREFIX) && e[0].length > ENV_PREFIX.length && e[1] !== undefined)
    .map(([name, value]) => ({ name, value, segments: name.slice(ENV_PREFIX.length).split("__") }))
    .sort((a, b) => a.segments.length - b.segments.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, value, segments } of entries) {
    if (segments.length === 1 && segments[0] === "CONFIG") {
      if (value !== "") out.configPath = value;
      continue;
    }
    addTextSetting(layer, warnings, segments, value, `environment variable ${name}`);
  }
  return out;
}
