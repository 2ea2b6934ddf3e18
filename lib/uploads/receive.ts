import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { BadRequestError, PayloadTooLargeError } from "../errors";

/** Leftovers older than this in the temp folder come from a crashed worker and are removed. */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** "10 MB", "512 KB": the limit as a person reads it. */
export function humanSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * The 413 for a file over the limit. The connection is not closed with it:
 * the error handler lets the client finish sending (lib/http/linger.ts), so
 * a client still uploading reads this answer instead of a reset connection.
 */
export function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`File too large: the limit is ${humanSize(limit)}`);
}

/**
 * Runs `fn` with a fresh private folder inside `root` and removes the folder
 * and everything in it afterwards, whether `fn` succeeded, failed or the
 * client went away. Uploads are written there first and only moved into
 * place once they are known to be good.
 */
export async function withTempDir<T>(root: string, fn: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, "up-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes temp folders left by a worker that died mid-upload. Only old
 * ones: other workers may be writing fresh ones right now.
 */
export async function sweepStaleTemp(root: string, now = Date.now(), maxAge = STALE_TEMP_MS): Promise<number> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(root, name);
    try {
      if (now - (await stat(path)).mtimeMs < maxAge) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone already (another worker swept it).
    }
  }
  return removed;
}

/** A readable body: an HTTP request or a multipart file part. */
type Source = Readable & { complete?: boolean; truncated?: boolean };

/**
 * Writes a body to `file` (which must not exist), counting bytes. Past
 * `limit` it stops with a 413 and leaves the source flowing into nothing,
 * so the parser or the connection can finish; a client that goes away
 * mid-body is a 400. The caller removes the partial file (withTempDir).
 * Resolves with the number of bytes written.
 */
export function receiveToFile(source: Source, file: string, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let settled = false;
    const out = createWriteStream(file, { flags: "wx" });
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      source.unpipe(out);
      out.destroy();
      source.resume();
      reject(err);
    };
    source.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(tooLarge(limit));
    });
    // busboy marks a part cut at its own fileSize limit.
    source.on("limit", () => fail(tooLarge(limit)));
    source.on("error", (err: Error) => fail(new BadRequestError("Upload interrupted", { cause: err })));
    source.on("close", () => {
      if (source.complete === false) fail(new BadRequestError("Upload interrupted"));
    });
    out.on("error", (err) => fail(err));
    out.on("finish", () => {
      if (settled) return;
      settled = true;
      resolve(size);
    });
    source.pipe(out);
  });
}
