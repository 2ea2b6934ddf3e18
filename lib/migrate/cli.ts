import { join } from "node:path";
import { loadConfig, ConfigError } from "../config";
import { openBank } from "../databank";
import { SCHEMA } from "../model/schema";
import { UrlMaker } from "../url-maker";
import { MigrateError } from "./context";
import { migrateHelp } from "./help";
import { readOldSite } from "./old-site";
import { createProgress } from "./progress";
import { migrate } from "./run";
import type { Tally } from "./target";

interface MigrateArgs {
  help: boolean;
  from?: string;
  stopAfter?: string;
  progress: boolean;
  /** Everything else: this server's config flags. */
  rest: string[];
}

/** Takes pump-migrate's own flags out of argv; the rest are `pump` config flags. */
export function parseMigrateArgs(argv: string[]): MigrateArgs {
  const out: MigrateArgs = { help: false, progress: true, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    const [flag, inline] = tok.startsWith("--") && tok.includes("=") ? [tok.slice(0, tok.indexOf("=")), tok.slice(tok.indexOf("=") + 1)] : [tok, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new MigrateError(`${flag} needs a value`);
      return v;
    };
    if (flag === "-h" || flag === "--help") out.help = true;
    else if (flag === "--from") out.from = value();
    else if (flag === "--stop-after") out.stopAfter = value();
    else if (flag === "--no-progress") out.progress = false;
    else out.rest.push(tok);
  }
  return out;
}

/** `bin/pump-migrate`. Exit codes: 0 done (or stopped by --stop-after), 1 error. */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  try {
    const args = parseMigrateArgs(argv);
    if (args.help) {
      process.stdout.write(migrateHelp());
      return;
    }
    if (!args.from) throw new MigrateError("--from OLD_CONFIG is required (see --help)");
    const old = readOldSite(args.from, process.cwd());
    const { config, warnings } = loadConfig({ argv: args.rest, env });
    if (config.driver === "memory") throw new MigrateError('this server\'s driver is "memory": everything migrated would be lost on exit (configure sqlite, postgresql or mongodb)');
    for (const w of warnings) process.stderr.write(`pump-migrate: ${w}\n`);
    const bank = await openBank({ driver: config.driver, params: config.params, schema: SCHEMA });
    try {
      const progress = createProgress(process.stdout, { bar: args.progress && process.stderr.isTTY === true });
      const result = await migrate({
        old,
        bank,
        urls: new UrlMaker(config),
        uploadDir: config.uploaddir ?? (config.datadir ? join(config.datadir, "uploads") : null),
        progress,
        stopAfter: args.stopAfter,
      });
      process.stdout.write(summary(result.tally));
      process.stdout.write(result.completed ? "migration complete\n" : `stopped after ${args.stopAfter}; run again to go on\n`);
    } finally {
      await bank.disconnect();
    }
  } catch (err) {
    if (err instanceof MigrateError || err instanceof ConfigError) {
      process.stderr.write(`pump-migrate: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

/** The closing table: per type, records written and left unchanged. */
export function summary(tally: Tally): string {
  const rows = tally.kinds().map((k) => [k, String(tally.written.get(k) ?? 0), String(tally.unchanged.get(k) ?? 0)]);
  rows.push(["total", String(tally.total(tally.written)), String(tally.total(tally.unchanged))]);
  const w = Math.max(4, ...rows.map((r) => r[0]!.length));
  const lines = [`${"type".padEnd(w)}  written  unchanged`, ...rows.map(([k, a, b]) => `${k!.padEnd(w)}  ${a!.padStart(7)}  ${b!.padStart(9)}`)];
  return `${lines.join("\n")}\n`;
}
