import { exportPerson } from "../admin/export";
import { stringOpt } from "../admin/options";
import { CONFIG_OPTIONS_HELP, runTool, stdio, UsageError, type Output, type ToolHelp } from "./tool";

export const HELP: ToolHelp = {
  name: "pump-export",
  summary: "export a pump.io person's activities and uploaded files",
  text: `Usage: pump-export -u NICKNAME -o DIRECTORY|FILE.tar.gz [options]

Writes a local person's data:
  activities.json   their outbox as an ActivityStreams collection (newest
                    first, objects in full); pump-import-collection reads it
  profile.json      their profile (person object)
  uploads/...       the files they uploaded, at the paths they are served at
into a new (or empty) directory, or into a tarball when the name ends in
.tar.gz, .tgz or .tar. Nothing on the site changes.

Options:
  -u, --user NICKNAME     the person
  -o, --output PATH       the directory or tarball to write

${CONFIG_OPTIONS_HELP}

Exit status: 0 done, 1 refused (no such account, output exists) or bad
configuration, 2 usage error.
`,
};

const SPEC = [
  { name: "user", short: "u", value: true },
  { name: "output", short: "o", value: true },
];

/** \`bin/pump-export\`: returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  return runTool(HELP, SPEC, argv, env, io, async (args, site) => {
    const r = await exportPerson(site, stringOpt(args, "user")!, stringOpt(args, "output")!);
    for (const m of r.missingFiles) io.err(`warning: uploaded file missing on disk: ${m}\n`);
    io.out(`Exported ${r.activities} ${r.activities === 1 ? "activity" : "activities"} and ${r.files} ${r.files === 1 ? "file" : "files"} to ${r.path}.\n`);
    return 0;
  }, (args) => {
    if (!stringOpt(args, "user")) throw new UsageError("give the person with -u NICKNAME");
    if (!stringOpt(args, "output")) throw new UsageError("give where to write with -o DIRECTORY or -o FILE.tar.gz");
    if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  });
}
