import type { Bank } from "../databank";
import { stamp } from "../model/ids";
import { MIGRATE_STATE_TYPE } from "../model/migrate-schema";

/** pump-migrate's progress, kept in our own store so a stopped run resumes. */
export interface MigrateState {
  id: string;
  /** Which old site (driver and config file) this progress is about. */
  source: string;
  /** Phases finished, in order. */
  phasesDone: string[];
  completed: boolean;
  started: string;
  updated: string;
}

const STATE_ID = "pump-migrate";

/**
 * The checkpoint: read at start, saved after each phase. A finished
 * migration run again starts over (every write is idempotent, so it only
 * checks); an unfinished one skips the phases it finished.
 */
export class Checkpoint {
  private constructor(
    private readonly bank: Bank,
    readonly state: MigrateState,
    /** The phases a previous, unfinished run of the same source finished. */
    readonly resumed: string[],
  ) {}

  static async load(bank: Bank, source: string): Promise<Checkpoint> {
    const old = await bank.find<MigrateState>(MIGRATE_STATE_TYPE, STATE_ID);
    const resume = old !== null && !old.completed && old.source === source;
    const now = stamp();
    const state: MigrateState = resume
      ? { ...old, updated: now }
      : { id: STATE_ID, source, phasesDone: [], completed: false, started: now, updated: now };
    return new Checkpoint(bank, state, resume ? [...old.phasesDone] : []);
  }

  isDone(phase: string): boolean {
    return this.state.phasesDone.includes(phase);
  }

  async finish(phase: string): Promise<void> {
    if (!this.isDone(phase)) this.state.phasesDone.push(phase);
    await this.save();
  }

  async complete(): Promise<void> {
    this.state.completed = true;
    await this.save();
  }

  private async save(): Promise<void> {
    this.state.updated = stamp();
    await this.bank.save(MIGRATE_STATE_TYPE, STATE_ID, this.state);
  }
}
