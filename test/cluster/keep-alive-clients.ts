// Keep-alive clients that pause ("think") between requests, as browsers and
// API clients do: Node's http agent and undici, each reusing its idle
// connections after pauses from 0 to `maxThinkMs`. Every outcome is
// recorded, with whether the connection was a reused one (Node's agent
// tells) and whether the server said `Connection: close`.
import http from "node:http";
import { Agent as UndiciAgent } from "undici";

export type ClientKind = "node" | "undici";

export interface KeepAliveOutcome {
  kind: ClientKind;
  /** When the answer (or error) came, ms since the epoch. */
  at: number;
  /** The pause before this request, ms. */
  thinkMs: number;
  status: number | null;
  /** The server's `Connection` header (lower case), or null. */
  connection: string | null;
  /** Node's agent only: the request went out on a connection used before. */
  reused: boolean | null;
  error: string | null;
}

export interface KeepAliveClients {
  outcomes: KeepAliveOutcome[];
  /** Resolves once at least `n` more outcomes than now have been recorded. */
  waitForMore(n: number): Promise<void>;
  stop(): Promise<KeepAliveOutcome[]>;
}

/** A think time in [0, max], spread over the whole range (deterministic per loop, so a run can be repeated). */
function thinkTimes(seed: number, max: number): () => number {
  let x = (seed * 7919 + 17) % 2147483647 || 1;
  return () => {
    x = (x * 48271) % 2147483647; // Lehmer generator
    return x % (max + 1);
  };
}

const NO_ANSWER_MS = 30_000;

/**
 * Runs `loops` request loops per client kind against 127.0.0.1:`port`,
 * each sending GET `path`, reading the whole answer, pausing, and again,
 * until stopped. One agent per kind is shared by its loops, as in an app.
 */
export function startKeepAliveClients(opts: {
  port: number;
  path: string;
  /** Headers for each request (e.g. a fresh OAuth signature). */
  headers?: () => Record<string, string>;
  loops: number;
  maxThinkMs: number;
}): KeepAliveClients {
  // Without `timeout`, Node's agent keeps idle sockets forever and ignores
  // the server's `Keep-Alive: timeout=N` hint; with it, an idle socket is
  // dropped one second before the hint runs out, as a well-behaved client does.
  const nodeAgent = new http.Agent({ keepAlive: true, timeout: NO_ANSWER_MS });
  // undici follows the hint by itself (minus its 2 s threshold).
  const undici = new UndiciAgent({ headersTimeout: NO_ANSWER_MS, bodyTimeout: NO_ANSWER_MS });
  const origin = `http://127.0.0.1:${opts.port}`;
  const outcomes: KeepAliveOutcome[] = [];
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  let stopped = false;
  let stopping: Promise<KeepAliveOutcome[]> | undefined;
  const record = (o: KeepAliveOutcome) => {
    outcomes.push(o);
    for (const w of [...waiters]) {
      if (outcomes.length >= w.target) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const viaNode = (thinkMs: number) =>
    new Promise<void>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: opts.port, path: opts.path, headers: opts.headers?.(), agent: nodeAgent }, (res) => {
        res.resume();
        const base = { kind: "node" as const, thinkMs, status: res.statusCode ?? null, connection: res.headers.connection ?? null, reused: req.reusedSocket };
        res.on("end", () => resolve(record({ ...base, at: Date.now(), error: null })));
        res.on("error", (err) => resolve(record({ ...base, at: Date.now(), error: String(err) })));
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        record({ kind: "node", at: Date.now(), thinkMs, status: null, connection: null, reused: req.reusedSocket, error: `${err.code ?? ""} ${err.message}` });
        resolve();
      });
      req.setTimeout(NO_ANSWER_MS, () => req.destroy(new Error("no answer in time")));
      req.end();
    });

  const viaUndici = async (thinkMs: number) => {
    try {
      const res = await undici.request({ origin, path: opts.path, method: "GET", headers: opts.headers?.() });
      await res.body.text();
      const connection = res.headers.connection;
      record({ kind: "undici", at: Date.now(), thinkMs, status: res.statusCode, connection: typeof connection === "string" ? connection : null, reused: null, error: null });
    } catch (err) {
      const e = err as Error & { code?: string };
      record({ kind: "undici", at: Date.now(), thinkMs, status: null, connection: null, reused: null, error: `${e.code ?? ""} ${e.message}` });
    }
  };

  const loop = async (kind: ClientKind, seed: number) => {
    const nextThink = thinkTimes(seed, opts.maxThinkMs);
    let thinkMs = 0;
    while (!stopped) {
      await (kind === "node" ? viaNode(thinkMs) : viaUndici(thinkMs));
      thinkMs = nextThink();
      await new Promise((r) => setTimeout(r, thinkMs));
    }
  };
  const loops = Array.from({ length: opts.loops }, (_, i) => [loop("node", i + 1), loop("undici", i + 101)]).flat();

  return {
    outcomes,
    waitForMore(n) {
      return new Promise((resolve) => waiters.push({ target: outcomes.length + n, resolve }));
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await Promise.all(loops);
        nodeAgent.destroy();
        await undici.close();
        return outcomes;
      })();
      return stopping;
    },
  };
}
