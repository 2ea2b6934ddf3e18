import { parseArgv } from "../config/argv";

/** One option of an admin tool. */
export interface ToolOption {
  /** Long name without dashes: "user" for --user. */
  name: string;
  /** One letter: "u" for -u. */
  short?: string;
  /** Takes a value (`--user bob`, `--user=bob`, `-u bob`); else a switch. */
  value?: boolean;
}

export interface ParsedToolArgs {
  /** The tool's own options by long name: the value, or true for a switch. */
  opts: Record<string, string | true>;
  /** Words that are not options (subcommands, nicknames). */
  positional: string[];
  /** What is left for the server's configuration loader: -c FILE, --KEY VALUE. */
  configArgv: string[];
  help: boolean;
  version: boolean;
  /** The first problem found. */
  error?: string;
}

/**
 * Splits an admin tool's command line into its own options and the
 * server's configuration flags, which are handed unchanged to lib/config
 * (so `-c FILE`, `--datadir DIR`, `--params.host db` mean what they mean to
 * `pump`). Whether a config flag takes the next word is decided by the
 * config parser itself (a boolean key does not swallow a subcommand).
 */
export function parseToolArgs(argv: readonly string[], spec: readonly ToolOption[]): ParsedToolArgs {
  const out: ParsedToolArgs = { opts: {}, positional: [], configArgv: [], help: false, version: false };
  const fail = (msg: string): void => {
    out.error ??= msg;
  };
  const byLong = new Map(spec.map((o) => [o.name, o]));
  const byShort = new Map(spec.filter((o) => o.short).map((o) => [o.short!, o]));
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "-h" || tok === "--help") out.help = true;
    else if (tok === "--version") out.version = true;
    else if (tok === "--") {
      out.positional.push(...argv.slice(i + 1));
      break;
    } else if (tok === "-c" || tok === "--config") {
      out.configArgv.push(tok);
      if (i + 1 < argv.length) out.configArgv.push(argv[++i]!);
    } else if (tok.startsWith("--")) {
      const eq = tok.indexOf("=");
      const name = tok.slice(2, eq >= 0 ? eq : undefined);
      const own = byLong.get(name);
      if (own) {
        if (!own.value) {
          if (eq >= 0) fail(`--${name} takes no value`);
          out.opts[name] = true;
        } else if (eq >= 0) out.opts[name] = tok.slice(eq + 1);
        else if (i + 1 < argv.length) out.opts[name] = argv[++i]!;
        else fail(`--${name} needs a value`);
        continue;
      }
      // A configuration flag: ask the config parser whether it takes the next word.
      const next = argv[i + 1];
      const probe = eq < 0 && next !== undefined ? parseArgv([tok, next]) : null;
      const consumed = probe !== null && !probe.error && probe.settings.length === 1 && probe.settings[0]!.text === next;
      out.configArgv.push(tok);
      if (consumed) out.configArgv.push(argv[++i]!);
    } else if (tok.startsWith("-") && tok.length > 1 && !/^-\d/.test(tok)) {
      const own = byShort.get(tok.slice(1, 2));
      if (!own) {
        fail(`unknown option ${tok}`);
        continue;
      }
      if (!own.value) {
        if (tok.length > 2) fail(`unknown option ${tok}`);
        out.opts[own.name] = true;
      } else if (tok.length > 2) out.opts[own.name] = tok.slice(2);
      else if (i + 1 < argv.length) out.opts[own.name] = argv[++i]!;
      else fail(`${tok} needs a value`);
    } else out.positional.push(tok);
  }
  return out;
}

/** A tool option's string value, or undefined (a bare switch counts as absent). */
export function stringOpt(args: ParsedToolArgs, name: string): string | undefined {
  const v = args.opts[name];
  return typeof v === "string" ? v : undefined;
}

/** A non-negative integer option; NaN when given but not one. */
export function intOpt(args: ParsedToolArgs, name: string, fallback: number): number {
  const v = stringOpt(args, name);
  if (v === undefined) return fallback;
  return /^\d+$/.test(v) ? Number(v) : NaN;
}
