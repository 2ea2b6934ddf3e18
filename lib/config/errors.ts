/**
 * A configuration problem found before anything starts. The message names the
 * file, variable, flag or key at fault and says what to do; `pump` prints it
 * as `pump: <message>` and exits 1, without a stack trace.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
