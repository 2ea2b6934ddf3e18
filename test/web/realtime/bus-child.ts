/**
 * A stand-in cluster worker for the relay test: a real child process
 * with a real IpcBus over its IPC channel. It publishes on request and
 * reports every update its bus delivers.
 */
import { IpcBus } from "../../../lib/web/realtime/bus";

const bus = new IpcBus(process);
let received = 0;
bus.subscribe((update) => {
  received++;
  process.send?.({ got: update });
});
process.on("message", (raw: unknown) => {
  const m = raw as { do?: string; update?: never; updates?: never[] };
  if (m.do === "publish" && m.update) bus.publish(m.update);
  else if (m.do === "publishMany" && m.updates) bus.publishMany(m.updates);
  else if (m.do === "count") process.send?.({ count: received });
  else if (m.do === "exit") process.exit(0);
});
process.send?.({ ready: true });
