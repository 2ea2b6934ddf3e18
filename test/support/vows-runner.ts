/**
 * Child-process entry point of the databank conformance runner
 * (see databank-conformance.ts, which forks this file).
 *
 * Why a separate process: vows patches EventEmitter.prototype.emit for every
 * emitter in the process, installs an "exit" handler that calls Node APIs
 * removed long ago, and lets a driver's asynchronous exception crash the
 * process. None of that may touch the node:test runner, so the suite runs
 * here and every result travels back to the parent as an IPC message.
 *
 * argv[2]: JSON `{ driver, params }`.
 */
import { Databank } from "databank";
import { registerDrivers } from "../../lib/databank";

/** Messages sent to the parent, in order. */
export type RunnerMessage =
  | { kind: "batches"; names: string[] }
  | { kind: "vow"; batch: number; context: string; title: string; status: string; exception: unknown }
  | { kind: "batch-end"; batch: number }
  | { kind: "finish"; results: Record<string, number> }
  | { kind: "stalled"; batch: number; waiting: string[] }
  | { kind: "fatal"; error: string };

interface VowsBatch {
  tests: Record<string, unknown>;
  status?: string;
  vows: { context: string; description: string; status: string | null }[];
}
interface VowsSuite {
  batches: VowsBatch[];
  run(options: object, cb: (results: Record<string, number>) => void): void;
}

function send(message: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fatal(error: string): Promise<never> {
  await send({ kind: "fatal", error });
  process.exit(1);
}

async function main(): Promise<void> {
  const { driver, params } = JSON.parse(process.argv[2] ?? "{}") as { driver: string; params: Record<string, unknown> };

  try {
    registerDrivers();
  } catch (err) {
    // registerDrivers loads every built-in driver; one that is missing or
    // broken must not hide the results of the driver under test, so only
    // fail when that one is not registered.
    if (driver !== "memory" && !Object.prototype.hasOwnProperty.call(Databank.drivers, driver)) {
      return fatal(`registerDrivers() failed: ${(err as Error).stack ?? err}`);
    }
    process.stderr.write(`warning: registerDrivers(): ${(err as Error).message}\n`);
  }

  // Everything vows adds to "exit" is dropped: its handler calls util.print,
  // which Node no longer has. Unfinished runs are detected on beforeExit below.
  const exitListeners = new Set(process.listeners("exit"));
  const { DriverTest } = require("databank-test") as { DriverTest(d: string, p: object): VowsSuite };
  const suite = DriverTest(driver, params);
  for (const listener of process.listeners("exit")) {
    if (!exitListeners.has(listener)) process.removeListener("exit", listener);
  }

  const current = (): number => suite.batches.findIndex((b) => b.status === "begin");
  let finished = false;
  // vows marks a batch "end" before reporting it (sometimes more than once)
  // and runs batches in order, so the last batch marked "end" is the one.
  const lastEnded = (): number => suite.batches.map((b) => b.status).lastIndexOf("end");

  // A vows reporter is any object with report(); print() is used for errors at exit.
  const reporter = {
    report([event, data]: [string, any]) {
      if (event === "vow") {
        void send({
          kind: "vow",
          batch: current(),
          context: String(data.context ?? ""),
          title: String(data.title ?? ""),
          status: String(data.status),
          exception: data.exception ?? null,
        });
      } else if (event === "end") {
        void send({ kind: "batch-end", batch: lastEnded() });
      }
    },
    print() {},
  };

  // The loop runs dry while vows still waits: some callback was never called.
  process.on("beforeExit", () => {
    if (finished) return;
    finished = true;
    const batch = current();
    const waiting = (suite.batches[batch]?.vows ?? [])
      .filter((v) => !v.status)
      .map((v) => `${v.context} › ${v.description}`);
    void send({ kind: "stalled", batch, waiting }).then(() => process.exit(1));
  });

  await send({ kind: "batches", names: suite.batches.map((b) => Object.keys(b.tests)[0] ?? "?") });
  suite.run({ reporter }, (results) => {
    finished = true;
    // Exit explicitly: a driver may keep sockets open after its last disconnect.
    void send({ kind: "finish", results: { ...results } }).then(() => process.exit(0));
  });
}

process.on("uncaughtException", (err) => void fatal(`uncaught exception: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => void fatal(`unhandled rejection: ${(err as Error)?.stack ?? err}`));
void main().catch((err) => fatal(String(err?.stack ?? err)));
