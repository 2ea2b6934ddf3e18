// A bounded load of concurrent HTTP requests on loopback over keep-alive
// connections (as real clients send them), recording every outcome.
import http from "node:http";

export interface Outcome {
  /** When the answer (or error) came, ms since the epoch. */
  at: number;
  /** Latency: from sending the request to the end of the answer (or the error). */
  ms: number;
  status: number | null;
  server: string | null;
  error: string | null;
  /** Set by the request function: what this request did (e.g. the nickname it wrote). */
  tag?: string;
}

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  tag?: string;
}

export interface Load {
  /** Answers and errors so far. */
  outcomes: Outcome[];
  /** Resolves once at least `n` more outcomes than now have been recorded (bounded by the caller's test timeout). */
  waitForMore(n: number): Promise<void>;
  stop(): Promise<Outcome[]>;
}

/**
 * Runs `concurrency` loops, each sending the request `next()` gives and the
 * next one as soon as the answer is complete, until stopped.
 */
export function startLoad(opts: { port: number; concurrency: number; next: (i: number) => RequestSpec }): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const outcomes: Outcome[] = [];
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  let stopped = false;
  let counter = 0;
  const recordOutcome = (o: Outcome) => {
    outcomes.push(o);
    for (const w of [...waiters]) {
      if (outcomes.length >= w.target) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const once = (spec: RequestSpec) =>
    new Promise<void>((resolve) => {
      const sent = Date.now();
      const record = (o: Omit<Outcome, "ms">) => recordOutcome({ ...o, ms: o.at - sent });
      const req = http.request(
        { host: "127.0.0.1", port: opts.port, method: spec.method ?? "GET", path: spec.path, headers: spec.headers, agent },
        (res) => {
          res.resume();
          res.on("end", () => {
            record({ at: Date.now(), status: res.statusCode ?? null, server: (res.headers.server as string) ?? null, error: null, tag: spec.tag });
            resolve();
          });
          res.on("error", (err) => {
            record({ at: Date.now(), status: res.statusCode ?? null, server: null, error: String(err), tag: spec.tag });
            resolve();
          });
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        record({ at: Date.now(), status: null, server: null, error: `${err.code ?? ""} ${err.message}`, tag: spec.tag });
        // A server that is gone must not turn the loop into a busy spin.
        setTimeout(resolve, 20);
      });
      // Bounded: a request nobody answers is recorded as an error, not waited on forever.
      req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
      req.end(spec.body);
    });
  const loops = Array.from({ length: opts.concurrency }, async () => {
    while (!stopped) await once(opts.next(counter++));
  });
  return {
    outcomes,
    waitForMore(n) {
      return new Promise((resolve) => waiters.push({ target: outcomes.length + n, resolve }));
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return outcomes;
    },
  };
}
