import { readFileSync } from "node:fs";
import { BadRequestError } from "../errors";
import { importEmails } from "../admin/import-email";
import { stringOpt } from "../admin/options";
import { CONFIG_OPTIONS_HELP, runTool, stdio, UsageError, type Output, type ToolHelp } from "./tool";

export const HELP: ToolHelp = {
  name: "pump-import-email",
  summary: "set the email addresses of local pump.io accounts from a file",
  text: `Usage: pump-import-email -f FILE [options]

Sets the email address of local accounts from FILE, one account per line:
  nickname<TAB>address      (a comma instead of the tab works too)
Blank lines and lines starting with # are skipped. The addresses count as
confirmed. Lines naming no account, or without a valid address, are listed
and left alone; the others are still set.

Options:
  -f, --file FILE   the list; "-" reads standard input

${CONFIG_OPTIONS_HELP}

Exit status: 0 every line applied, 1 some lines refused (the rest applied)
or a bad configuration, 2 usage error.
`,
};

const SPEC = [{ name: "file", short: "f", value: true }];

/** \`bin/pump-import-email\`: returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  return runTool(HELP, SPEC, argv, env, io, async (args, site) => {
    const file = stringOpt(args, "file")!;
    let text: string;
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (err) {
      throw new BadRequestError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const r = await importEmails(site, text);
    for (const m of r.malformed) io.err(`line ${m.line}: not "nickname<TAB>address": ${JSON.stringify(m.text)}\n`);
    for (const n of r.unknown) io.err(`no such account: ${n}\n`);
    io.out(`Email addresses set: ${r.set}; unknown accounts: ${r.unknown.length}; malformed lines: ${r.malformed.length}.\n`);
    return r.unknown.length + r.malformed.length === 0 ? 0 : 1;
  }, (args) => {
    if (!stringOpt(args, "file")) throw new UsageError("give the file with -f FILE");
    if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  });
}
