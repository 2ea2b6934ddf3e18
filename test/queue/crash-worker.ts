// A worker that claims one job and then hangs until it is killed (SIGKILL):
// a crashed process holding a lease, for job-queue.test.ts.
import { silentLogger } from "../../lib/log";
import { JobQueue } from "../../lib/queue/job-queue";
import { connect } from "./support";

async function main(): Promise<void> {
  const [file, jobId, leaseMs] = process.argv.slice(2) as [string, string, string];
  const bank = await connect(file);
  const queue = new JobQueue(bank, silentLogger(), { leaseMs: Number(leaseMs) });
  queue.handle("work", async () => {
    process.send?.("claimed");
    await new Promise(() => undefined); // never finishes
  });
  await queue.runNow(jobId);
}
void main();
