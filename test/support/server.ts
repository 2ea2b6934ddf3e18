import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type PumpConfig } from "../../lib/config";
import { silentLogger, type Logger } from "../../lib/log";
import { startWorker, type RunningWorker } from "../../lib/cluster/worker";
import { registerSettler } from "./settle";

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  config: Readonly<PumpConfig>;
  worker: RunningWorker;
  datadir: string;
  /**
   * Waits for the background jobs this server started (a post's fan-out to
   * followers' and groups' inboxes): call it before reading what a post
   * should have delivered.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real app server in this process on a free loopback port, with a
 * fresh SQLite database in a temp dir (or the driver given in `flags`).
 * `flags` are pump command-line flags, e.g. ["--driver", "memory"].
 *
 * The port must be known before the config is built (generated URLs contain
 * it), so we ask the OS for a free one first.
 */
export async function startTestServer(flags: string[] = [], opts: { log?: Logger; now?: () => number } = {}): Promise<TestServer> {
  const datadir = mkdtempSync(join(tmpdir(), "pump-test-"));
  const port = await freePort();
  const { config } = loadConfig({
    argv: [
      "--hostname", "127.0.0.1",
      "--address", "127.0.0.1",
      "--port", String(port),
      "--datadir", datadir,
      "--secret", "test secret that is long enough to pass",
      "--controlSocket", join(datadir, "pump.socket"),
      ...flags,
    ],
    env: {},
    homeDir: null,
    etcFile: join(datadir, "no-such-etc-file.json"),
    cwd: datadir,
  });
  const worker = await startWorker(config, opts.log ?? silentLogger(), { now: opts.now });
  const url = `http://127.0.0.1:${worker.port}`;
  const forget = registerSettler(url, () => worker.idle());
  return {
    url,
    port: worker.port,
    config,
    worker,
    datadir,
    settle: () => worker.idle(),
    async close() {
      forget();
      await worker.close(1000);
      rmSync(datadir, { recursive: true, force: true });
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as import("node:net").AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
