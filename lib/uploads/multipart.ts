import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import busboy from "busboy";
import { BadRequestError } from "../errors";
import { bareType, isMimeType } from "./media-types";
import { checkDeclaredLength } from "./incoming";
import { receiveToFile } from "./receive";
import type { IncomingFile } from "./store";

/** Room for the form's other fields around the file. */
const FORM_OVERHEAD = 256 * 1024;

export interface MultipartUpload {
  fields: Record<string, string>;
  /** The file part, or null when the form had none (or an empty one). */
  file: IncomingFile | null;
}

export interface MultipartOptions {
  /** Names of the file input (the first one present is taken; others are skipped). */
  fileFields: readonly string[];
  /**
   * Runs when the file part begins, with the fields seen so far; throwing
   * refuses the upload before any of the file is kept. The web forms check
   * their CSRF token here, so the token field comes before the file input.
   */
  beforeFile?: (fields: Record<string, string>) => void;
}

/**
 * Parses a `multipart/form-data` body (a web form with a file input,
 * working without JavaScript) with busboy: text fields into `fields`, the
 * file written into `tempDir`, at most `limit` bytes (else 413).
 */
export function receiveMultipart(req: IncomingMessage, tempDir: string, limit: number, opts: MultipartOptions): Promise<MultipartUpload> {
  if (bareType(req.headers["content-type"]) !== "multipart/form-data") {
    return Promise.reject(new BadRequestError("Send the form as multipart/form-data"));
  }
  try {
    checkDeclaredLength(req, limit + FORM_OVERHEAD);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = Object.create(null);
    let file: IncomingFile | null = null;
    let pending: Promise<void> | null = null;
    let settled = false;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: 3, fields: 30, parts: 40, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(new BadRequestError("Malformed form data", { cause: err }));
      return;
    }
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    bb.on("field", (name, value) => {
      fields[name] = value;
    });
    bb.on("file", (name, stream, info) => {
      // Browsers send an empty part with no file name when no file was chosen.
      if (pending || !opts.fileFields.includes(name) || !info.filename) {
        stream.resume();
        return;
      }
      try {
        opts.beforeFile?.(fields);
      } catch (err) {
        stream.resume();
        fail(err);
        return;
      }
      const mimeType = bareType(info.mimeType) || "application/octet-stream";
      const path = join(tempDir, "body");
      pending = receiveToFile(stream, path, limit).then(
        (size) => {
          file = { path, tempDir, size, mimeType: isMimeType(mimeType) ? mimeType : "application/octet-stream" };
        },
        (err: unknown) => fail(err),
      );
    });
    bb.on("error", (err) => fail(new BadRequestError("Malformed form data", { cause: err })));
    bb.on("close", () => {
      void (pending ?? Promise.resolve()).then(() => {
        if (settled) return;
        settled = true;
        resolve({ fields: { ...fields }, file });
      });
    });
    req.on("close", () => {
      if (!req.complete) fail(new BadRequestError("Upload interrupted"));
    });
    req.pipe(bb);
  });
}
