import type { IncomingMessage } from "node:http";
import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BadRequestError, HttpError } from "../errors";
import { isPlainObject } from "../model/as";
import { bareType, isMimeType } from "./media-types";
import { receiveToFile, tooLarge } from "./receive";
import type { IncomingFile } from "./store";

/** Room for the JSON around the base64 data of an upload. */
const JSON_OVERHEAD = 64 * 1024;

/** True when an API upload is the JSON form `{mimeType, data}` (api.md §10). */
export function isJsonUpload(req: IncomingMessage): boolean {
  return bareType(req.headers["content-type"]) === "application/json";
}

/** 413 at once when the client announces a body over the limit (nothing is read). */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/**
 * A raw upload (the pump.io CLI's `pump-post-file`): the body is the file,
 * the Content-Type its type. Written to `tempDir`.
 */
export async function receiveRaw(req: IncomingMessage, tempDir: string, limit: number): Promise<IncomingFile> {
  const mimeType = bareType(req.headers["content-type"]);
  if (!mimeType) throw new BadRequestError("No Content-Type: send the file with its media type");
  if (!isMimeType(mimeType)) throw new BadRequestError(`Bad Content-Type: ${mimeType}`);
  // A form body is read (for its OAuth signature) before we see it, and is no file anyway.
  if (mimeType === "application/x-www-form-urlencoded" || req.readableEnded) {
    throw new HttpError(415, "Send the file itself as the body, with its own Content-Type, or JSON {mimeType, data}");
  }
  checkDeclaredLength(req, limit);
  const path = join(tempDir, "body");
  const size = await receiveToFile(req, path, limit);
  return { path, tempDir, size, mimeType };
}

/**
 * The JSON form: `{"mimeType": "...", "data": "<base64 or base64url>"}`.
 * The limit applies to the decoded file.
 */
export async function receiveJson(req: IncomingMessage, tempDir: string, limit: number): Promise<IncomingFile> {
  const jsonLimit = Math.ceil((limit * 4) / 3) + JSON_OVERHEAD;
  checkDeclaredLength(req, jsonLimit);
  const raw = join(tempDir, "body.json");
  await receiveToFile(req, raw, jsonLimit);
  let body: unknown;
  try {
    body = JSON.parse(await readFile(raw, "utf8"));
  } catch (err) {
    throw new BadRequestError("Invalid JSON in request body", { cause: err });
  }
  await unlink(raw);
  if (!isPlainObject(body)) throw new BadRequestError("Upload must be a JSON object with mimeType and data");
  if (typeof body.mimeType !== "string" || body.mimeType === "") throw new BadRequestError("No mime type");
  if (typeof body.data !== "string" || body.data === "") throw new BadRequestError("No data");
  const mimeType = bareType(body.mimeType);
  if (!isMimeType(mimeType)) throw new BadRequestError(`Bad mime type: ${body.mimeType}`);
  const data = body.data.replace(/\s+/g, "");
  // Standard or URL-safe alphabet, padding optional (the original accepted both).
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)) throw new BadRequestError("Data is not base64");
  const bytes = Buffer.from(data, "base64");
  if (bytes.length > limit) throw tooLarge(limit);
  const path = join(tempDir, "body");
  await writeFile(path, bytes, { flag: "wx" });
  return { path, tempDir, size: bytes.length, mimeType };
}
