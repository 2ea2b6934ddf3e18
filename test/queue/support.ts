import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openBank, type Bank } from "../../lib/databank";
import { SCHEMA } from "../../lib/model/schema";

/** A temp directory holding one SQLite file that several banks (workers) open. */
export function sharedFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pump-queue-"));
  return { file: path.join(dir, "q.sqlite3"), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One more connection to the shared file: what one worker process has. */
export function connect(file: string): Promise<Bank> {
  return openBank({ driver: "sqlite", params: { file }, schema: SCHEMA });
}
