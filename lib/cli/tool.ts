import { ConfigError } from "../config";
import { HttpError } from "../errors";
import { packageVersion } from "../version";
import { openSite, type AdminSite } from "../admin/site";
import { parseToolArgs, type ParsedToolArgs, type ToolOption } from "../admin/options";

/**
 * What `--help` prints and what the man page is made of (scripts/build-man):
 * one text, so they cannot drift apart.
 */
export interface ToolHelp {
  /** Command name, e.g. "pump-set-password". */
  name: string;
  /** One line for the man page's NAME section. */
  summary: string;
  /** The whole --help text; its first line is "Usage: ...". */
  text: string;
}

/** Where a tool writes (tests pass their own). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** A terminal for the progress bar, or null. */
  progressStream?: NodeJS.WritableStream | null;
}

export const stdio: Output = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  progressStream: process.stderr,
};

/** A usage mistake: exit status 2 and the help text. */
export class UsageError extends Error {}

/** The configuration flags every tool accepts, for the help texts. */
export const CONFIG_OPTIONS_HELP = `Configuration (the same as the server's, see pump --help):
  -c, --config FILE   read only this config file (also PUMPIO_CONFIG);
                      default /etc/pump.io.json, then ~/.pump.io.json
  --KEY VALUE         any configuration key, e.g. --datadir /var/lib/pump.io
                      or --driver postgresql --params.url postgres://...
  PUMPIO_* environment variables set keys as for the server.
  -h, --help          show this help;  --version  show the version
      --verbose       log at the configured level (default: warnings only)

It works through the server's database driver, so it is safe to run while
the server runs on SQLite or PostgreSQL.`;

/**
 * Runs an admin tool: parses its options, answers --help/--version, opens
 * the site, runs `body`, closes the site. Exit status: what `body` returns;
 * 1 for a refused configuration or a refused change (4xx: its message);
 * 2 for a usage mistake.
 */
export async function runTool(
  help: ToolHelp,
  spec: readonly ToolOption[],
  argv: string[],
  env: Record<string, string | undefined>,
  io: Output,
  body: (args: ParsedToolArgs, site: AdminSite) => Promise<number>,
  check: (args: ParsedToolArgs) => void = () => undefined,
): Promise<number> {
  const args = parseToolArgs(argv, [...spec, { name: "verbose" }]);
  if (args.help) {
    io.out(help.text);
    return 0;
  }
  if (args.version) {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  try {
    if (args.error) throw new UsageError(args.error);
    check(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${help.name}: ${err.message}\n\n${help.text}`);
    return 2;
  }
  let site: AdminSite;
  try {
    site = await openSite(args.configArgv, env, { verbose: args.opts.verbose === true });
  } catch (err) {
    if (err instanceof ConfigError) io.err(`${help.name}: ${err.message}\n`);
    else io.err(`${help.name}: cannot open the database: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    return await body(args, site);
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) {
      io.err(`${help.name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      io.err(`${help.name}: ${err.message}\n\n${help.text}`);
      return 2;
    }
    throw err;
  } finally {
    await site.close().catch(() => undefined);
  }
}
