import pino, { type Logger, type DestinationStream } from "pino";

export type { Logger } from "pino";

/** The logging part of the configuration (see lib/config). */
export interface LogOptions {
  logLevel?: string;
  logfile?: string | null;
  nologger?: boolean;
}

/**
 * Paths pino replaces with "[Redacted]" wherever they appear: we never write
 * secrets, passwords or tokens to a log, even when a caller logs a whole object.
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "token_secret",
  "*.token_secret",
  "client_secret",
  "*.client_secret",
  "smtppass",
  "*.smtppass",
  "spamclientsecret",
  "*.spamclientsecret",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

/**
 * The one logger factory. JSON lines to stderr, or appended to `logfile`;
 * `nologger` silences everything unless a `logfile` is given (as in the original).
 */
export function createLogger(opts: LogOptions, name = "pump.io"): Logger {
  const silent = Boolean(opts.nologger) && !opts.logfile;
  let destination: DestinationStream;
  if (opts.logfile) {
    // Synchronous appends: a crashing worker must not lose its last lines.
    destination = pino.destination({ dest: opts.logfile, append: true, sync: true, mkdir: true });
  } else {
    destination = pino.destination({ dest: 2, sync: true });
  }
  return pino(
    {
      name,
      level: silent ? "silent" : (opts.logLevel ?? "info"),
      redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and tools that want none. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
