/**
 * Reads the restart epoch from the code on disk now, not from the copy this
 * process loaded at start: the module is dropped from require's cache before
 * and after, so the next read sees the file as it is then.
 */
export function readRestartEpoch(modulePath: string = require.resolve("./epoch")): number {
  delete require.cache[modulePath];
  try {
    const value = (require(modulePath) as { RESTART_EPOCH?: unknown }).RESTART_EPOCH;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${modulePath} does not export a numeric RESTART_EPOCH`);
    return value;
  } finally {
    delete require.cache[modulePath];
  }
}
