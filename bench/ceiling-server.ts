/**
 * The ceiling beside each HTTP benchmark row: a bare `node:http` server
 * answering fixed bytes (the very bytes our server answered for the same
 * request, with their Content-Type), in as many cluster workers as the
 * measured server has. Whatever it reaches on this machine, in this run,
 * is what no Node server could beat; our rate over it is the figure that
 * means something on a noisy machine.
 *
 *   node dist/bench/ceiling-server.js <answers.json> <port> <workers>
 *
 * answers.json maps "METHOD /path?query" to {type, body (base64)}. The
 * primary sends "ready" over IPC once every worker listens.
 */
import cluster from "node:cluster";
import http from "node:http";
import { readFileSync } from "node:fs";

export interface CeilingAnswer {
  type: string;
  /** base64 */
  body: string;
}

function serve(file: string, port: number): void {
  const table = JSON.parse(readFileSync(file, "utf8")) as Record<string, CeilingAnswer>;
  const answers = new Map(Object.entries(table).map(([k, a]) => [k, { type: a.type, body: Buffer.from(a.body, "base64") }]));
  const server = http.createServer((req, res) => {
    const answer = answers.get(`${req.method} ${req.url}`);
    // Bodies are read to the end, as our server reads a POST's JSON.
    req.resume();
    req.on("end", () => {
      if (!answer) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": answer.type, "Content-Length": answer.body.length });
      res.end(answer.body);
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, "127.0.0.1", () => process.send?.("listening"));
}

function main(): void {
  const [file, portArg, workersArg] = process.argv.slice(2);
  const port = Number(portArg);
  if (!cluster.isPrimary) return serve(file!, port);
  const workers = Math.max(1, Number(workersArg) || 1);
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on("message", (m) => {
      if (m === "listening" && ++listening === workers) process.send?.("ready");
    });
  }
  const stop = (): void => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  };
  process.on("message", (m) => m === "stop" && stop());
  process.on("disconnect", stop);
}

if (require.main === module) main();
