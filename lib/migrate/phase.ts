import type { MigrateContext } from "./context";

/** One step of the migration; finished steps are skipped by a resumed run. */
export interface Phase {
  name: string;
  run(ctx: MigrateContext): Promise<void>;
}

/** Runs `fn` on each item in order, advancing the progress bar. */
export async function each<T>(ctx: MigrateContext, items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (const item of items) {
    await fn(item);
    ctx.progress.tick();
  }
}
