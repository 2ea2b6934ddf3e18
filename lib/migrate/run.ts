import type { Bank } from "../databank";
import type { UrlMaker } from "../url-maker";
import { Checkpoint } from "./checkpoint";
import { MigrateError, type MigrateContext } from "./context";
import { loadFacts } from "./facts";
import type { OldSite } from "./old-site";
import type { Phase } from "./phase";
import { activitiesPhase, checkPhase, oauthPhase, objectsPhase, relationsPhase, usersPhase } from "./phases-records";
import { legacyPhase, streamsPhase } from "./phases-streams";
import type { Progress } from "./progress";
import { OriginalSource } from "./source";
import { Tally, Target } from "./target";
import { uploadsPhase } from "./uploads";

/** The phases, in the order they run (later ones read what earlier ones wrote). */
export const PHASES: readonly Phase[] = [
  checkPhase, objectsPhase, activitiesPhase, usersPhase, relationsPhase, oauthPhase, streamsPhase, legacyPhase, uploadsPhase,
];

export interface MigrateOptions {
  old: OldSite;
  bank: Bank;
  urls: UrlMaker;
  uploadDir: string | null;
  progress: Progress;
  /** Stop (resumably) after this phase: to migrate in steps. */
  stopAfter?: string;
}

export interface MigrateResult {
  tally: Tally;
  /** Phases a previous unfinished run had done (skipped now). */
  resumed: string[];
  completed: boolean;
}

/**
 * Copies the old site into our bank, phase by phase, saving a checkpoint
 * after each. Every write is idempotent, so an interrupted phase is simply
 * run again and a second run changes nothing.
 */
export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  if (opts.stopAfter !== undefined && !PHASES.some((p) => p.name === opts.stopAfter)) {
    throw new MigrateError(`--stop-after: no phase "${opts.stopAfter}" (phases: ${PHASES.map((p) => p.name).join(", ")})`);
  }
  let src: OriginalSource;
  try {
    src = await OriginalSource.open(opts.old.driver, opts.old.params);
  } catch (err) {
    throw new MigrateError(`cannot open the old site's "${opts.old.driver}" database: ${(err as Error).message}`, { cause: err });
  }
  try {
    const tally = new Tally();
    const checkpoint = await Checkpoint.load(opts.bank, `${opts.old.driver} ${opts.old.file}`);
    if (checkpoint.resumed.length > 0) opts.progress.note(`resuming: already done: ${checkpoint.resumed.join(", ")}`);
    const ctx: MigrateContext = {
      src,
      target: new Target(opts.bank, tally),
      bank: opts.bank,
      urls: opts.urls,
      facts: await loadFacts(src),
      old: opts.old,
      uploadDir: opts.uploadDir,
      progress: opts.progress,
    };
    for (const phase of PHASES) {
      if (checkpoint.isDone(phase.name)) continue;
      const before = tally.total(tally.written) + tally.total(tally.unchanged);
      const wrote = tally.total(tally.written);
      await phase.run(ctx);
      await checkpoint.finish(phase.name);
      const seen = tally.total(tally.written) + tally.total(tally.unchanged) - before;
      if (phase.name !== "check") opts.progress.stop(`${phase.name}: ${seen} records, ${tally.total(tally.written) - wrote} written`);
      if (phase.name === opts.stopAfter) return { tally, resumed: checkpoint.resumed, completed: false };
    }
    await checkpoint.complete();
    return { tally, resumed: checkpoint.resumed, completed: true };
  } finally {
    await src.close().catch(() => undefined);
  }
}
