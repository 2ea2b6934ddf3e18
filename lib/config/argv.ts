import { parseBoolean } from "./coerce";
import { ConfigError } from "./errors";
import { addTextSetting, emptyLayer, type Layer } from "./layer";
import { lookupKey, lookupReservedKey, normalizeName, specOf } from "./keys";

export type Action = "run" | "help" | "version" | "show-config";

export interface ParsedArgs {
  action: Action;
  configPath?: string;
  /** Settings in the order given; later ones win. */
  settings: Array<{ segments: string[]; text: string; flag: string }>;
  /** The first problem found; reported unless --help/--version was asked for. */
  error?: ConfigError;
}

/** Does a bare `--name` (no value) make sense, i.e. is it a boolean? */
function takesBareFlag(segments: string[]): boolean {
  const key = lookupKey(segments[0] ?? "");
  if (key === undefined) return false;
  const spec = specOf(key);
  if (segments.length === 1) return spec.kind === "boolean" || spec.kind === "boolOrObject";
  if (spec.kind !== "boolOrObject") return false;
  const wanted = normalizeName(segments[1] ?? "");
  return Object.entries(spec.fields).some(([f, t]) => normalizeName(f) === wanted && t === "boolean");
}

function isKnown(segments: string[]): boolean {
  const head = segments[0] ?? "";
  return lookupKey(head) !== undefined || lookupReservedKey(head) !== undefined;
}

const looksLikeValue = (tok: string | undefined): tok is string => tok !== undefined && (!tok.startsWith("-") || /^-\d/.test(tok));

/**
 * Parses pump's command line: -h/--help, -v/--version, --show-config,
 * -c/--config PATH, and any key as `--key value`, `--key=value`,
 * kebab-case (`--url-port`), dotted (`--params.host`), and booleans as
 * `--bounce`, `--no-bounce`, `--bounce false`. Never throws.
 */
export function parseArgv(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { action: "run", settings: [] };
  let help = false;
  let version = false;
  let show = false;
  const fail = (msg: string): void => {
    out.error ??= new ConfigError(`${msg} (see pump --help)`);
  };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === "-h" || tok === "--help") help = true;
    else if (tok === "-v" || tok === "--version") version = true;
    else if (tok === "--show-config") show = true;
    else if (tok === "-c" || tok === "--config") {
      const next = argv[i + 1];
      if (next === undefined || next === "") fail(`${tok} needs a file name`);
      else {
        out.configPath = next;
        i++;
      }
    } else if (tok.startsWith("--config=")) out.configPath = tok.slice("--config=".length);
    else if (tok === "--") {
      if (i + 1 < argv.length) fail(`unexpected argument "${argv[i + 1]}": pump takes only options`);
      break;
    } else if (tok.startsWith("--")) {
      const body = tok.slice(2);
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      let inline = eq >= 0 ? body.slice(eq + 1) : undefined;
      const segments = name.split(".");
      const flag = `--${name}`;
      if (name === "" || segments.some((s) => s === "")) {
        fail(`malformed option "${tok}"`);
        continue;
      }
      // --no-bounce means bounce=false, unless "no-..." is itself a key (--no-web is noweb).
      if (!isKnown(segments) && /^no-?/i.test(segments[0] ?? "") && segments.length === 1) {
        const positive = [(segments[0] ?? "").replace(/^no-?/i, "")];
        if (takesBareFlag(positive)) {
          if (inline !== undefined) {
            const b = parseBoolean(inline);
            if (b === undefined) {
              fail(`${flag}: ${JSON.stringify(inline)} is not a boolean`);
              continue;
            }
            inline = String(!b);
          }
          out.settings.push({ segments: positive, text: inline ?? "false", flag });
          continue;
        }
      }
      if (inline === undefined) {
        const next = argv[i + 1];
        if (takesBareFlag(segments)) {
          // Only consume the next word if it is a boolean: `--bounce false`.
          if (next !== undefined && parseBoolean(next) !== undefined) {
            inline = next;
            i++;
          } else inline = "true";
        } else if (looksLikeValue(next)) {
          inline = next;
          i++;
        } else if (isKnown(segments)) {
          fail(`${flag} needs a value (write ${flag}=VALUE if the value starts with "-")`);
          continue;
        } else inline = "true";
      }
      out.settings.push({ segments, text: inline, flag });
    } else if (tok.startsWith("-") && tok.length > 1) fail(`unknown option "${tok}"`);
    else fail(`unexpected argument "${tok}": pump takes only options`);
  }
  out.action = help ? "help" : version ? "version" : show ? "show-config" : "run";
  return out;
}

/** Turns parsed flag settings into a config layer. */
export function argvLayer(args: ParsedArgs, warnings: string[]): Layer {
  const layer = emptyLayer();
  for (const s of args.settings) addTextSetting(layer, warnings, s.segments, s.text, `command-line flag ${s.flag}`);
  return layer;
}
