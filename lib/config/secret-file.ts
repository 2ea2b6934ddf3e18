import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "./errors";

/**
 * The session secret kept in a file: read it, or create the file with a
 * fresh random secret (owner-only) when it does not exist yet. Several
 * processes may start at once, so the secret is written to a temp file and
 * hard-linked into place (atomic; fails if the file exists): nobody ever
 * reads a half-written secret, and the loser of a race reads the winner's.
 */
export function readOrCreateSecret(file: string): string {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      unlinkSync(tmp);
    }
    const secret = readFileSync(file, "utf8").trim();
    if (!secret) throw new ConfigError(`secretFile: ${file} is empty; delete it to have a new secret generated, or write one into it.`);
    return secret;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`secretFile: cannot read or create ${file}: ${(err as Error).message}. Check the path and its permissions.`);
  }
}
