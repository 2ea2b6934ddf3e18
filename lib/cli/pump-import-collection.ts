import { SingleBar, Presets } from "cli-progress";
import { importCollection, readActivityDirectory, readCollectionFile, type ImportCounts } from "../admin/import-collection";
import { stringOpt } from "../admin/options";
import { CONFIG_OPTIONS_HELP, runTool, stdio, UsageError, type Output, type ToolHelp } from "./tool";

export const HELP: ToolHelp = {
  name: "pump-import-collection",
  summary: "import an ActivityStreams collection of activities into pump.io",
  text: `Usage: pump-import-collection (-f FILE | -d DIRECTORY) [-u NICKNAME] [options]

Imports activities, as the original pump.io's tool of the same name did:
  - a "join" of this site's service registers its person as a local account
    (nickname from portablecontacts_net.preferredUsername, a random password:
    set one with pump-set-password), with the usual lists;
  - every other activity is stored with its id, date and objects, and its
    effects (a post stores its note, a follow fills following/followers);
    an activity by a local person goes into their outbox and inbox;
  - an activity whose id is already stored is left alone, so running the
    same import twice changes nothing.
Activities are imported oldest first, so streams keep their order. They are
not sent to followers or other servers: this is history, not news.
A progress bar shows on a terminal; at the end a summary gives the counts.
The activities.json a pump-export writes is a valid input.

Options:
  -f, --file FILE        an ActivityStreams collection: {"items": [...]}
  -d, --directory DIR    a directory tree of files holding one activity each
  -u, --user NICKNAME    every activity is this local person's (importing
                         one person's outbox from another server)
      --progress         show the progress bar even when stderr is not a
                         terminal (frames every half second, for logs)
      --no-progress      no progress bar

${CONFIG_OPTIONS_HELP}

Exit status: 0 every activity imported or already present, 1 some failed
(listed; the others are imported) or a bad input or configuration, 2 usage
error.
`,
};

const SPEC = [
  { name: "file", short: "f", value: true },
  { name: "directory", short: "d", value: true },
  { name: "user", short: "u", value: true },
  { name: "progress" },
  { name: "no-progress" },
];

/** \`bin/pump-import-collection\`: returns the exit status. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  return runTool(HELP, SPEC, argv, env, io, async (args, site) => {
    const file = stringOpt(args, "file");
    const source = file !== undefined ? readCollectionFile(file) : readActivityDirectory(stringOpt(args, "directory")!);
    const out = io.progressStream ?? null;
    const forced = args.opts.progress === true;
    const stream = args.opts["no-progress"] === true || !out || !(forced || (out as { isTTY?: boolean }).isTTY) ? null : out;
    const bar = stream
      ? new SingleBar(
          {
            stream,
            format: "importing [{bar}] {percentage}% | {value}/{total} | imported {imported}, present {present}, users {users}, failed {failed}",
            // Not a terminal (only with --progress): a frame per line, twice a second.
            noTTYOutput: forced,
            notTTYSchedule: 500,
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : null;
    bar?.start(source.items.length, 0, tally(zero(source.items.length)));
    const counts = await importCollection(site, source, {
      asUser: stringOpt(args, "user") ?? null,
      onProgress: (done, c) => bar?.update(done, tally(c)),
    });
    bar?.stop();
    for (const f of counts.failures) io.err(`failed: ${f.where}: ${f.error}\n`);
    if (counts.failed > counts.failures.length) io.err(`(and ${counts.failed - counts.failures.length} more failures)\n`);
    io.out(summary(counts));
    return counts.failed === 0 ? 0 : 1;
  }, (args) => {
    const given = ["file", "directory"].filter((k) => stringOpt(args, k) !== undefined).length;
    if (given !== 1) throw new UsageError("give one of -f FILE or -d DIRECTORY");
    if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  });
}

function zero(total: number): ImportCounts {
  return { total, imported: 0, present: 0, usersCreated: 0, failed: 0, failures: [] };
}

function tally(c: ImportCounts): Record<string, number> {
  return { imported: c.imported, present: c.present, users: c.usersCreated, failed: c.failed };
}

/** The closing summary: one line per count, stable for scripts. */
export function summary(c: ImportCounts): string {
  return `Import finished: ${c.total} activities read.\n` +
    `  imported:        ${c.imported}\n` +
    `  already present: ${c.present}\n` +
    `  users created:   ${c.usersCreated}\n` +
    `  failed:          ${c.failed}\n`;
}
