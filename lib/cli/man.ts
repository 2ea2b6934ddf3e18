import { helpText } from "../config";
import { USAGE as PUMPCTL_USAGE } from "./pumpctl";
import type { ToolHelp } from "./tool";
import { HELP as SET_PASSWORD } from "./pump-set-password";
import { HELP as IMPORT_EMAIL } from "./pump-import-email";
import { HELP as IMPORT_COLLECTION } from "./pump-import-collection";
import { HELP as EXPORT } from "./pump-export";
import { HELP as ACCOUNTS } from "./pump-accounts";
import { migrateHelp } from "../migrate/help";

/** Every command with a man page: the texts `--help` prints. */
export function manualPages(): ToolHelp[] {
  return [
    { name: "pump", summary: "the pump.io social server", text: helpText() },
    { name: "pumpctl", summary: "control a running pump.io server", text: PUMPCTL_USAGE },
    SET_PASSWORD,
    IMPORT_EMAIL,
    IMPORT_COLLECTION,
    EXPORT,
    ACCOUNTS,
    { name: "pump-migrate", summary: "move an original pump.io site's data into this server", text: migrateHelp() },
  ];
}

/** Escapes text for roff: backslashes, and a leading dot or quote that would read as a request. */
function esc(line: string): string {
  const s = line.replace(/\\/g, "\\e").replace(/-/g, "\\-");
  return /^[.']/.test(s) ? `\\&${s}` : s;
}

/**
 * A section 1 man page from a --help text: NAME from the summary, SYNOPSIS
 * from the "Usage:" line, and every following paragraph as it is laid out
 * for the terminal (no fill), with "Heading:" lines as sections. The same
 * words as --help, so the two never disagree.
 */
export function toRoff(help: ToolHelp, version: string, date: string): string {
  const lines = help.text.replace(/\s+$/, "").split("\n");
  const usage = (lines[0] ?? "").replace(/^Usage:\s*/, "");
  const out: string[] = [
    `.TH ${help.name.toUpperCase().replace(/-/g, "\\-")} 1 "${date}" "pump.io ${version}" "pump.io Manual"`,
    ".SH NAME",
    `${esc(help.name)} \\- ${esc(help.summary)}`,
    ".SH SYNOPSIS",
    ".nf",
    esc(usage),
    ".fi",
    ".SH DESCRIPTION",
    ".nf",
  ];
  for (const line of lines.slice(1)) {
    // A heading alone on its line at the left margin ("Options:") starts a section.
    const head = /^([A-Z][A-Za-z -]*[a-z]):$/.exec(line);
    if (head && head[1]!.length < 40) out.push(".fi", `.SH ${esc(head[1]!.toUpperCase())}`, ".nf");
    else out.push(line.trim() === "" ? "" : esc(line));
  }
  out.push(".fi", ".SH SEE ALSO", manualPages().filter((p) => p.name !== help.name).map((p) => `\\fB${esc(p.name)}\\fR(1)`).join(", "), "");
  return out.join("\n");
}
