import { readFileSync } from "node:fs";
import { ConfigError } from "./errors";
import { isPlainObject } from "./layer";

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

/** Turns V8's JSON.parse complaint into "… at line L, column C". */
function describeJsonError(err: Error, text: string): string {
  const msg = err.message.replace(/^JSON\.parse: /, "");
  const m = /at position (\d+)/.exec(msg);
  if (m) {
    const { line, column } = lineColumn(text, Number(m[1]));
    return `${msg.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "")} at line ${line}, column ${column}`;
  }
  if (/end of JSON input/.test(msg)) {
    const { line, column } = lineColumn(text, text.length);
    return `${msg} (the file ends early, at line ${line}, column ${column})`;
  }
  return msg;
}

/**
 * Reads one JSON config file. Returns null when the file does not exist and
 * `required` is false (the default locations are optional); any other
 * problem — unreadable, invalid JSON, not an object — is a ConfigError that
 * names the file and says how to fix it.
 */
export function readConfigFile(file: string, required: boolean, how: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return null;
    if (code === "ENOENT") throw new ConfigError(`Config file ${file} (${how}) does not exist: check the path.`);
    if (code === "EISDIR") throw new ConfigError(`Config file ${file} (${how}) is a directory, not a JSON file.`);
    throw new ConfigError(
      `Config file ${file} (${how}) cannot be read (${code ?? String(e)}): fix its permissions` +
        (required ? "." : ", or use -c/--config to name another file."),
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors on Windows add a BOM
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `Config file ${file} is not valid JSON: ${describeJsonError(e as Error, text)}. ` +
        `Fix the syntax (JSON allows no comments and no trailing commas; a JSON validator such as "jq . ${file}" shows the spot).`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(`Config file ${file} must contain one JSON object ({ "key": value, ... }), not ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}.`);
  }
  return parsed;
}
