import type { Worker } from "node:cluster";

/**
 * A worker's life as the master sees it:
 *   starting --listening--> listening --gracefulShutdown--> draining --exit--> (gone)
 * and from `starting`, `exit` or a startup-failure message before `listening`.
 */
export type WorkerState = "starting" | "listening" | "draining";

/** Why a worker was forked: at master start, after a crash, or as a rolling-restart replacement. */
export type ForkReason = "initial" | "respawn" | "restart";

export interface WorkerRecord {
  readonly worker: Worker;
  readonly pid: number;
  readonly reason: ForkReason;
  state: WorkerState;
  /** The worker's own explanation when it could not start (startupFailed / abortRestart). */
  startupError: string | null;
  /** Kills the worker if it has not exited workerShutdownTimeout ms after being asked to shut down. */
  killTimer: NodeJS.Timeout | null;
}
