/**
 * The configuration of pump: the only module that reads config files,
 * PUMPIO_* environment variables and the command line. Everything else
 * receives the frozen PumpConfig it returns.
 */
export type { PumpConfig, ConfiguredClient, ConfiguredUser } from "./types";
export { ConfigError } from "./errors";
export { loadConfig, ETC_CONFIG_FILE } from "./load";
export type { LoadOptions, LoadResult } from "./load";
export { helpText } from "./help";
export { redactConfig, REDACTED } from "./redact";
export { DEFAULTS, SAMPLE_SECRET, LOG_LEVELS, NICKNAME_BLACKLIST } from "./defaults";
export { defaultControlSocket, workerCount } from "./derive";
