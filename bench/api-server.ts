/**
 * Child process of bench/api.ts: the real app server (one worker, SQLite
 * in a temp dir, silent log) on a loopback port, so the load generator
 * does not share its event loop. Reports `{url}` over IPC once listening
 * and stops on "stop" or when the parent goes away.
 */
import { startTestServer } from "../test/support/server";

async function main(): Promise<void> {
  const server = await startTestServer();
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.on("message", (m) => {
    if (m === "stop") void stop();
  });
  process.on("disconnect", () => void stop());
  process.send?.({ url: server.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
