import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { argvLayer, parseArgv, type Action } from "./argv";
import { DEFAULTS } from "./defaults";
import { deepFreeze, derive, type DeriveContext } from "./derive";
import { readEnv } from "./env";
import { readConfigFile } from "./files";
import { addJsonSettings, emptyLayer, mergeLayers, type Layer } from "./layer";
import type { PumpConfig } from "./types";
import { validate } from "./validate";
import { readOrCreateSecret } from "./secret-file";
import { canBindPrivilegedPorts } from "./capabilities";

export interface LoadOptions {
  /** Command-line arguments without node and the script (process.argv.slice(2)). */
  argv: string[];
  /** The environment (process.env); only PUMPIO_* and HOME are used. */
  env: Record<string, string | undefined>;
  /** Home directory for ~/.pump.io.json; undefined = env.HOME, null = none. */
  homeDir?: string | null;
  /** System-wide config file; default /etc/pump.io.json. */
  etcFile?: string;
  /** Directory relative paths are resolved against; default process.cwd(). */
  cwd?: string;
  /** Default process.getuid (absent on Windows). */
  getuid?: () => number;
  /** Default os.availableParallelism(). */
  cpuCount?: number;
  /** Resolves an npm package (to check databank-<driver>); default require.resolve. */
  resolvePackage?: (name: string) => string;
  /**
   * "server" (default) or "tool": an admin tool (bin/pump-*) reads the same
   * configuration but never listens, so the listening checks (ports below
   * 1024 for non-root, readable TLS files) are skipped for it.
   */
  purpose?: "server" | "tool";
  /** Default: whether this process holds CAP_NET_BIND_SERVICE (lib/config/capabilities.ts). */
  canBindLowPorts?: boolean;
}

export interface LoadResult {
  action: Action;
  config: Readonly<PumpConfig>;
  warnings: string[];
  /** Config files actually read, in order. */
  sources: string[];
}

export const ETC_CONFIG_FILE = "/etc/pump.io.json";

function context(opts: LoadOptions): DeriveContext {
  const getuid = opts.getuid ?? (typeof process.getuid === "function" ? process.getuid.bind(process) : undefined);
  return {
    cwd: opts.cwd ?? process.cwd(),
    uid: getuid ? getuid() : null,
    cpuCount: opts.cpuCount ?? availableParallelism(),
  };
}

/**
 * Builds the configuration: built-in defaults < /etc/pump.io.json <
 * ~/.pump.io.json (or only the -c / PUMPIO_CONFIG file) < PUMPIO_* variables
 * < flags; objects such as `params` merge key by key, arrays replace. Every
 * value is type-checked, derived values are filled in, cross-key rules are
 * checked, and the result is deeply frozen.
 *
 * For --help and --version nothing is read or checked; `config` is then the
 * built-in defaults. Throws ConfigError for anything that would stop pump.
 */
export function loadConfig(opts: LoadOptions): LoadResult {
  const ctx = context(opts);
  const args = parseArgv(opts.argv);
  if (args.action === "help" || args.action === "version") {
    return { action: args.action, config: deepFreeze(structuredClone(derive({ ...DEFAULTS }, ctx))), warnings: [], sources: [] };
  }
  if (args.error) throw args.error;

  const warnings: string[] = [];
  const env = readEnv(opts.env, warnings);
  const sources: string[] = [];
  const fileLayers: Layer[] = [];
  const explicit = args.configPath ?? env.configPath;
  const files: Array<{ file: string; required: boolean; how: string }> = [];
  if (explicit !== undefined) {
    files.push({ file: resolve(ctx.cwd, explicit), required: true, how: args.configPath !== undefined ? "from -c/--config" : "from PUMPIO_CONFIG" });
  } else {
    files.push({ file: opts.etcFile ?? ETC_CONFIG_FILE, required: false, how: "system config file" });
    const home = opts.homeDir === undefined ? opts.env.HOME || null : opts.homeDir;
    if (home) files.push({ file: join(home, ".pump.io.json"), required: false, how: "user config file" });
  }
  for (const f of files) {
    const obj = readConfigFile(f.file, f.required, f.how);
    if (obj === null) continue;
    const layer = emptyLayer();
    addJsonSettings(layer, warnings, obj, f.file);
    fileLayers.push(layer);
    sources.push(f.file);
  }
  const flags = argvLayer(args, warnings);

  const { raw, from } = mergeLayers(DEFAULTS, [...fileLayers, env.layer, flags]);
  const config = derive(raw, ctx);
  if (config.secret === null && config.secretFile !== null) config.secret = readOrCreateSecret(config.secretFile);
  validate(config, { raw, from, uid: ctx.uid, resolvePackage: opts.resolvePackage ?? require.resolve, listens: opts.purpose !== "tool", canBindLowPorts: opts.canBindLowPorts ?? canBindPrivilegedPorts() }, warnings);
  return { action: args.action, config: deepFreeze(structuredClone(config)), warnings, sources };
}
