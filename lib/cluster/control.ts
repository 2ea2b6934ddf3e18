import net from "node:net";
import { chmodSync, lstatSync, statSync, unlinkSync } from "node:fs";
import type { Logger } from "../log";

/** What the master does for each control command. */
export interface ControlHandlers {
  /** The master's package version (as loaded at its start). */
  version(): string;
  /** Sets the log level (or "restore"); false when the level is not valid. */
  setLogLevel(level: string): boolean;
  /** Starts a zero-downtime restart; a refusal carries the NACK reason. */
  restart(): { ok: true } | { ok: false; reason: string };
  /** JOBS [RETRY <id>|--all]: the parked jobs of the queue, or putting them back (jobs-control.ts). */
  jobs?(params: string[]): Promise<string>;
}

export const CONTROL_COMMANDS = ["CMDS", "VERSION", "EASTER", "LOGLEVEL", "RESTART", "JOBS"] as const;
/** Longest request line we buffer; anything longer is a misbehaving client. */
const MAX_LINE = 4096;
const PROBE_TIMEOUT_MS = 1000;

/** The open control socket; `close()` stops listening and removes the file. */
export interface ControlSocket {
  path: string;
  close(): Promise<void>;
}

/**
 * Answers one request line of the pump.socket(7) protocol: a command word
 * (any case) and space-separated parameters; `ACK [data]` or `NACK <reason>`.
 * Returns null for a blank line (ignored, no reply).
 */
export function answerControlLine(line: string, handlers: ControlHandlers, log: Logger): string | Promise<string> | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const cmd = words[0].toUpperCase();
  switch (cmd) {
    case "CMDS":
      log.info({ socketCmd: cmd }, "received CMDS over control socket");
      return `ACK ${CONTROL_COMMANDS.join(" ")}`;
    case "VERSION":
      log.info({ socketCmd: cmd }, "received VERSION over control socket");
      return `ACK ${handlers.version()}`;
    case "EASTER":
      return "ACK EGG";
    case "LOGLEVEL": {
      const level = (words[1] ?? "").toLowerCase();
      log.info({ socketCmd: cmd, level }, "received LOGLEVEL over control socket");
      return handlers.setLogLevel(level) ? "ACK" : "NACK invalid";
    }
    case "RESTART": {
      log.info({ socketCmd: cmd }, "received RESTART over control socket");
      const outcome = handlers.restart();
      return outcome.ok ? "ACK" : `NACK ${outcome.reason}`;
    }
    case "JOBS": {
      log.info({ socketCmd: cmd, params: words.slice(1, 3) }, "received JOBS over control socket");
      if (!handlers.jobs) return "NACK unavailable";
      return handlers.jobs(words.slice(1)).catch((err: unknown) => {
        log.error({ err, socketCmd: cmd }, "JOBS failed");
        return "NACK failed";
      });
    }
    default:
      log.warn({ socketCmd: words[0].slice(0, 64) }, "unknown control command rejected");
      return "NACK unknown";
  }
}

/** Serves one client: pipelined lines in, one reply line per non-blank line out. */
function serveClient(socket: net.Socket, handlers: ControlHandlers, log: Logger): void {
  let buffer = "";
  // Replies go out in request order, also when one (JOBS) takes a while.
  let replies: Promise<void> = Promise.resolve();
  socket.setEncoding("utf8");
  // The client may hang up at any time; replies to a gone client are dropped.
  socket.on("error", () => undefined);
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const reply = answerControlLine(line, handlers, log);
      if (reply === null) continue;
      replies = replies.then(async () => {
        const text = await reply;
        if (socket.writable) socket.write(`${text}\n`);
      });
    }
    if (buffer.length > MAX_LINE) {
      if (socket.writable) socket.end("NACK too long\n");
      socket.destroy();
    }
  });
}

/** Resolves true when something accepts connections on the Unix socket `path`. */
export function probeSocket(path: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const client = net.connect(path);
    const done = (live: boolean) => {
      clearTimeout(timer);
      client.destroy();
      resolve(live);
    };
    // A live master answers a connect at once; a hung one still holds the socket, so count it as live.
    const timer = setTimeout(() => done(true), timeoutMs);
    client.once("connect", () => done(true));
    client.once("error", (err: NodeJS.ErrnoException) => done(err.code !== "ECONNREFUSED" && err.code !== "ENOENT" ? true : false));
  });
}

/** The control socket path is taken by a live master, or is not a socket at all. */
export class ControlSocketError extends Error {}

/**
 * Opens the master's control socket at `path`, owner-only (0600). A socket
 * file left behind by a killed master (nobody accepts on it) is removed
 * first; a socket a live master listens on is never taken over, and a path
 * that is not a socket is never deleted.
 */
export async function openControlSocket(path: string, handlers: ControlHandlers, log: Logger): Promise<ControlSocket> {
  let existing;
  try {
    existing = lstatSync(path);
  } catch {
    existing = null;
  }
  if (existing) {
    if (!existing.isSocket()) throw new ControlSocketError(`${path} exists and is not a socket; not replacing it`);
    if (await probeSocket(path)) throw new ControlSocketError(`${path} is in use by another running pump master`);
    unlinkSync(path);
    log.info({ path }, "removed stale control socket left by an earlier master");
  }
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.once("close", () => clients.delete(socket));
    serveClient(socket, handlers, log);
  });
  // The file is created by the bind inside listen(): create it owner-only, not
  // with the process umask, so no other user can ever connect.
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldMask);
  }
  chmodSync(path, 0o600);
  const inode = statSync(path).ino;
  // Removes the file only while it is still ours (another master may have replaced it).
  const unlinkOurs = () => {
    try {
      if (statSync(path).ino === inode) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  // Also on a crash or process.exit(), so no stale file is left behind.
  process.once("exit", unlinkOurs);
  log.info({ path }, "listening for control commands");
  return {
    path,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of clients) socket.destroy();
      await closed;
      unlinkOurs();
      process.off("exit", unlinkOurs);
    },
  };
}
