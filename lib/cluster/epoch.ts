/**
 * The restart epoch. A zero-downtime restart replaces workers one by one
 * while the master and the other workers keep running the old code, so the
 * master refuses it when the code now on disk carries a different epoch.
 *
 * Increment this number whenever old and new code cannot run side by side:
 * the master's own logic or the master/worker messages change, workers of
 * two versions would disagree about shared state, or the database layout
 * changes. The master reads this file fresh from disk at restart time, so
 * keep it a single exported number with no imports.
 */
export const RESTART_EPOCH = 3;
