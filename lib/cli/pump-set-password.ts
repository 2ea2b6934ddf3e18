import { readFileSync } from "node:fs";
import { BadRequestError } from "../errors";
import { setAccountPassword } from "../admin/set-password";
import { stringOpt } from "../admin/options";
import { CONFIG_OPTIONS_HELP, runTool, stdio, UsageError, type Output, type ToolHelp } from "./tool";

export const HELP: ToolHelp = {
  name: "pump-set-password",
  summary: "set the password of a local pump.io account",
  text: `Usage: pump-set-password -u NICKNAME (-p PASSWORD | --password-file FILE) [options]

Sets the password of a local account, stored as the server stores it
(bcrypt). The password must pass the server's rules: at least 8 characters,
not only letters or only digits, not a common password. Every web session
of the account is logged out, as after a password change on the web; the
apps the person authorised keep working.

Options:
  -u, --user NICKNAME        the account
  -p, --password PASSWORD    the new password (visible to other local users
                             in the process list: prefer --password-file)
      --password-file FILE   read the password from the first line of FILE;
                             "-" reads it from standard input

${CONFIG_OPTIONS_HELP}

Exit status: 0 done, 1 refused (no such account, bad password, bad
configuration), 2 usage error.
`,
};

const SPEC = [
  { name: "user", short: "u", value: true },
  { name: "password", short: "p", value: true },
  { name: "password-file", value: true },
];

/** \`bin/pump-set-password\`: returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  return runTool(HELP, SPEC, argv, env, io, async (args, site) => {
    const nickname = stringOpt(args, "user")!;
    const file = stringOpt(args, "password-file");
    const password = file !== undefined ? firstLine(readText(file)) : stringOpt(args, "password")!;
    const ended = await setAccountPassword(site, nickname, password);
    io.out(`Password of ${nickname} changed; ${ended} web session${ended === 1 ? "" : "s"} logged out.\n`);
    return 0;
  }, (args) => {
    if (!stringOpt(args, "user")) throw new UsageError("give the account with -u NICKNAME");
    const given = [stringOpt(args, "password"), stringOpt(args, "password-file")].filter((v) => v !== undefined).length;
    if (given !== 1) throw new UsageError("give the new password with -p PASSWORD or --password-file FILE (one of them)");
    if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new BadRequestError(`cannot read the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? "";
}
