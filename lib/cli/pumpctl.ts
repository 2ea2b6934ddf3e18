import { defaultControlSocket } from "../config/derive";
import { LOG_LEVELS } from "../config";
import { ControlClientError, sendControlCommand } from "../cluster/control-client";

export const USAGE = `Usage: pumpctl [-s SOCKET] COMMAND

Controls a running pump server through its control socket.

Commands:
  restart           zero-downtime restart: replace the workers one by one
                    with the code now on disk
  loglevel LEVEL    set the log level of the master and all workers
                    (${LOG_LEVELS.join(", ")}, or "restore" for the configured one)
  version           print the version of the running master
  jobs              list the parked jobs of the job queue: jobs that failed
                    every retry (kind, id, attempts, last error, when parked)
  jobs retry ID     put one parked job back in the queue, due now
  jobs retry --all  put every parked job back in the queue

Options:
  -s, --socket PATH   the control socket (the server's controlSocket setting;
                      default /var/run/pump.socket for root, else /tmp/pump.socket)
  -h, --help          show this help

Exit status: 0 done, 1 refused or failed, 2 usage error.
`;

/** Friendly explanations of the master's RESTART refusals. */
const RESTART_REFUSALS: Record<string, string> = {
  "no workers": "refused: the server runs only one worker, so replacing it would mean downtime. Restart the pump process instead (or set `children` to 2 or more).",
  "bad driver": "refused: the database driver keeps its data inside each worker (e.g. \"memory\"), so workers cannot be replaced one by one. Restart the pump process instead.",
  "aborted restart": "refused: an earlier zero-downtime restart failed, and the server no longer restarts or respawns workers. Restart the pump process as soon as possible.",
  "restart in flight": "a zero-downtime restart is already in progress; wait for it to finish (watch the server log).",
  incompatibility: "refused: the code now on disk is not compatible with the running master (its restart epoch changed). Restart the pump process instead.",
  "not running": "refused: the server is still starting or is stopping; try again in a moment.",
};

/** Friendly explanations of the master's JOBS refusals. */
const JOBS_REFUSALS: Record<string, string> = {
  "no such parked job": "no parked job has that id (see `pumpctl jobs`).",
  "bad driver": "the database driver keeps its data inside each worker (e.g. \"memory\"), so the master cannot see the job queue.",
  unavailable: "this server does not report its job queue.",
  failed: "the server could not read its job queue; see its log.",
};

/** The JOBS answer (a JSON array) as a table for a terminal. */
function parkedTable(json: string): string {
  let jobs: { id: string; kind: string; attempts: number; lastError: string | null; parkedAt: number | null }[];
  try {
    jobs = JSON.parse(json);
  } catch {
    return `${json}\n`;
  }
  if (jobs.length === 0) return "No parked jobs.\n";
  const rows = jobs.map((j) => [j.kind, j.id, String(j.attempts), j.parkedAt ? new Date(j.parkedAt).toISOString() : "-", (j.lastError ?? "-").replace(/\s+/g, " ").slice(0, 200)]);
  const head = ["KIND", "ID", "ATTEMPTS", "PARKED", "LAST ERROR"];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join("  ") + "\n";
  return line(head) + rows.map(line).join("") + `${jobs.length} parked job${jobs.length === 1 ? "" : "s"}. Retry with: pumpctl jobs retry ID (or --all)\n`;
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** `bin/pumpctl`: returns the exit status. */
export async function main(argv: string[], _env: Record<string, string | undefined>, io: Output = stdio): Promise<number> {
  let socket = defaultControlSocket(typeof process.getuid === "function" ? process.getuid() : null);
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      io.out(USAGE);
      return 0;
    } else if (arg === "-s" || arg === "--socket") {
      const value = argv[++i];
      if (!value) return usage(io, `${arg} needs the path of the control socket`);
      socket = value;
    } else if (arg.startsWith("--socket=")) {
      socket = arg.slice("--socket=".length);
    } else if (arg === "--all" && words[0]?.toLowerCase() === "jobs") {
      words.push(arg);
    } else if (arg.startsWith("-") && arg !== "-") {
      return usage(io, `unknown option ${arg}`);
    } else {
      words.push(arg);
    }
  }
  const [command, ...params] = words;
  if (!command) return usage(io, "no command given");
  let line: string;
  switch (command.toLowerCase()) {
    case "restart":
      if (params.length) return usage(io, "restart takes no arguments");
      line = "RESTART";
      break;
    case "version":
      if (params.length) return usage(io, "version takes no arguments");
      line = "VERSION";
      break;
    case "loglevel": {
      const level = (params[0] ?? "").toLowerCase();
      if (params.length !== 1 || !(LOG_LEVELS.includes(level) || level === "restore")) {
        return usage(io, `loglevel needs one of: ${LOG_LEVELS.join(", ")}, restore`);
      }
      line = `LOGLEVEL ${level}`;
      break;
    }
    case "jobs": {
      if (params.length === 0) line = "JOBS";
      else if (params[0].toLowerCase() === "retry" && params.length === 2) line = `JOBS RETRY ${params[1]}`;
      else return usage(io, "jobs takes no arguments, or: retry ID, or: retry --all");
      break;
    }
    default:
      return usage(io, `unknown command "${command}"`);
  }

  let reply: string;
  try {
    reply = await sendControlCommand(socket, line);
  } catch (err) {
    io.err(`pumpctl: ${connectionProblem(socket, err)}\n`);
    return 1;
  }
  const [status, ...rest] = reply.split(" ");
  const data = rest.join(" ");
  if (status === "ACK") {
    if (line === "RESTART") io.out("Zero-downtime restart started: the workers are being replaced one by one. Watch the server log for \"zero-downtime restart complete\".\n");
    else if (line === "VERSION") io.out(`${data}\n`);
    else if (line === "JOBS") io.out(parkedTable(data));
    else if (line.startsWith("JOBS RETRY")) io.out(`${data} parked job${data === "1" ? "" : "s"} put back in the queue.\n`);
    else io.out(`Log level set to ${line.split(" ")[1]}.\n`);
    return 0;
  }
  if (status === "NACK") {
    const explained = line === "RESTART" ? RESTART_REFUSALS[data] : line.startsWith("JOBS") ? JOBS_REFUSALS[data] : undefined;
    io.err(`pumpctl: ${explained ?? `the server refused ${line.split(" ")[0]}: ${data}`}\n`);
    return 1;
  }
  io.err(`pumpctl: unexpected answer from the server: ${JSON.stringify(reply)}\n`);
  return 1;
}

function usage(io: Output, problem: string): number {
  io.err(`pumpctl: ${problem}\n\n${USAGE}`);
  return 2;
}

function connectionProblem(socket: string, err: unknown): string {
  const code = err instanceof ControlClientError ? err.code : undefined;
  switch (code) {
    case "ENOENT":
      return `no control socket at ${socket}. Is pump running? Give the server's controlSocket with -s.`;
    case "ECONNREFUSED":
      return `nothing is listening on ${socket} (a stale socket file? is pump running?).`;
    case "EACCES":
    case "EPERM":
      return `permission denied on ${socket}: the socket is owner-only; run pumpctl as the user pump runs as.`;
    default:
      return `cannot talk to the server at ${socket}: ${(err as Error).message}`;
  }
}
