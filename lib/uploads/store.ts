import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, mkdir, open, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BadRequestError, HttpError } from "../errors";
import type { AS } from "../model/as";
import type { Ctx } from "../activity/context";
import { storeNewObject } from "../activity/verb-context";
import { processImage, type Dimensions } from "./images";
import { EXTENSIONS, GENERIC_EXTENSION, GENERIC_TYPE, classOf, describe, looksLike } from "./media-types";

/** The databank type of upload records (lib/model/upload-schema.ts). */
export const UPLOAD_TYPE = "upload";

/** One stored file: its path under the uploads folder, its object, how it is served. */
export interface UploadRecord {
  slug: string;
  id: string;
  mimeType: string;
}

/** An image's stored size and its thumbnail's (null: the image is its own thumbnail). */
interface ImageSizes {
  full: Dimensions;
  thumb: Dimensions | null;
}

/** A received body waiting in its temp folder. */
export interface IncomingFile {
  /** The file with the body, inside `tempDir`. */
  path: string;
  tempDir: string;
  size: number;
  /** The type the client declared. */
  mimeType: string;
}

export interface UploadOptions {
  /** Title (`displayName`), plain text. */
  title?: string;
  /** Description (`content`): HTML the caller made safe (the web form escapes plain text). */
  description?: string;
  /** Avatar: a 96×96 square thumbnail, always. */
  avatar?: boolean;
  /** Alt text of a picture (plain text): kept on its image links as `alt`, for people who cannot see it. */
  alt?: string;
}

/**
 * `<nick>/<YYYY>/<M>/<D>/<random>` (UTC, no zero padding), as the original
 * laid its files out (shared/reference/storage.md §8).
 */
export function slugBase(nickname: string, now = new Date()): string {
  const date = `${now.getUTCFullYear()}/${now.getUTCMonth() + 1}/${now.getUTCDate()}`;
  return `${nickname}/${date}/${randomBytes(6).toString("base64url")}`;
}

/** Moves a finished temp file into place without ever replacing an existing file. */
async function place(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (err) {
    // Another file system (datadir/uploads mounted separately): copy, still exclusive.
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

async function readHead(file: string, length = 16): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Uploaded files and their objects (api.md §10): files under
 * `<uploaddir>`, the object in the store, one `upload` record per file and
 * the object in the user's uploads stream. No activity is made: the
 * uploader posts the object afterwards.
 */
export class UploadStore {
  constructor(
    private readonly ctx: Ctx,
    readonly uploaddir: string,
  ) {}

  /** The absolute path of a stored file. */
  pathOf(slug: string): string {
    return join(this.uploaddir, ...slug.split("/"));
  }

  url(slug: string): string {
    return this.ctx.urls.makeURL(`/uploads/${slug}`);
  }

  async find(slug: string): Promise<UploadRecord | null> {
    return this.ctx.bank.find<UploadRecord>(UPLOAD_TYPE, slug);
  }

  /**
   * Checks and stores one received file for `nickname`; returns the stored
   * object. Bad files are refused (4xx) before anything is kept; if storing
   * fails half-way, the files already placed are removed again.
   */
  async save(nickname: string, file: IncomingFile, opts: UploadOptions = {}): Promise<AS> {
    // "." and ".." are valid nicknames, but not folder names we can write into.
    if (/^\.+$/.test(nickname)) throw new BadRequestError("This account's nickname cannot hold uploads");
    if (file.size === 0) throw new BadRequestError("The file is empty");
    const cls = classOf(file.mimeType);
    if (opts.avatar && cls !== "image") throw new HttpError(415, "A profile picture must be an image (JPEG, PNG, GIF or WebP)");
    const obj: AS = { objectType: cls, author: { id: this.ctx.people.personId(nickname), objectType: "person" } };
    if (opts.title?.trim()) obj.displayName = opts.title.trim().slice(0, 500);
    if (opts.description?.trim()) obj.content = opts.description;

    // Files to move into place: [temp path, slug suffix, MIME type served].
    const files: Array<{ from: string; suffix: string; mime: string }> = [];
    let dims: ImageSizes | null = null;
    if (cls === "image") {
      const fullTmp = (ext: string) => join(file.tempDir, `full.${ext}`);
      const thumbTmp = (ext: string) => join(file.tempDir, `thumb.${ext}`);
      const img = await processImage(file.path, fullTmp, thumbTmp, opts.avatar === true);
      files.push({ from: fullTmp(img.ext), suffix: `.${img.ext}`, mime: img.mime });
      if (img.thumb) files.push({ from: thumbTmp(img.ext), suffix: `_thumb.${img.ext}`, mime: img.mime });
      obj.mimeType = img.mime;
      dims = { full: img.full, thumb: img.thumb };
    } else if (cls === "audio" || cls === "video") {
      const ext = EXTENSIONS[file.mimeType];
      if (!ext) throw new HttpError(415, `Unsupported ${cls} type: ${file.mimeType}`);
      if (!looksLike(file.mimeType, await readHead(file.path))) throw new BadRequestError(`The file is not a valid ${describe(file.mimeType)}`);
      files.push({ from: file.path, suffix: `.${ext}`, mime: file.mimeType });
      obj.mimeType = file.mimeType;
    } else {
      // Other files: kept as .bin and only ever served as a download (never rendered by a browser).
      files.push({ from: file.path, suffix: `.${GENERIC_EXTENSION}`, mime: GENERIC_TYPE });
      obj.mimeType = file.mimeType;
    }

    const alt = opts.alt?.trim().slice(0, 1500);
    if (alt && dims) {
      dims.full = { ...dims.full, alt } as typeof dims.full;
      if (dims.thumb) dims.thumb = { ...dims.thumb, alt } as typeof dims.thumb;
    }
    const placed = await this.placeAll(nickname, files);
    try {
      return await this.record(nickname, obj, placed, dims);
    } catch (err) {
      await Promise.all(placed.map((p) => unlink(this.pathOf(p.slug)).catch(() => undefined)));
      throw err;
    }
  }

  /** Moves the files in under one fresh random name (retrying if the name is taken). */
  private async placeAll(nickname: string, files: Array<{ from: string; suffix: string; mime: string }>): Promise<Array<{ slug: string; mime: string }>> {
    for (let attempt = 0; ; attempt++) {
      const base = slugBase(nickname);
      const done: Array<{ slug: string; mime: string }> = [];
      try {
        for (const f of files) {
          const slug = base + f.suffix;
          await place(f.from, this.pathOf(slug));
          done.push({ slug, mime: f.mime });
        }
        return done;
      } catch (err) {
        await Promise.all(done.map((p) => unlink(this.pathOf(p.slug)).catch(() => undefined)));
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 4) throw err;
      }
    }
  }

  /** Stores the object, the upload records and the uploads-stream entry. */
  private async record(nickname: string, obj: AS, placed: Array<{ slug: string; mime: string }>, dims: ImageSizes | null): Promise<AS> {
    const [full, thumb] = placed as [{ slug: string; mime: string }, { slug: string; mime: string } | undefined];
    if (dims) {
      obj.fullImage = { url: this.url(full.slug), ...dims.full };
      obj.image = thumb && dims.thumb ? { url: this.url(thumb.slug), ...dims.thumb } : { ...obj.fullImage };
      obj._fslug = full.slug;
      obj._slug = thumb ? thumb.slug : full.slug;
    } else if (obj.objectType === "audio" || obj.objectType === "video") {
      obj.stream = { url: this.url(full.slug), type: obj.mimeType };
      obj._slug = full.slug;
    } else {
      obj.fileUrl = this.url(full.slug);
      obj._slug = full.slug;
    }
    const stored = await storeNewObject(this.ctx, obj, nickname);
    for (const p of placed) await this.ctx.bank.save(UPLOAD_TYPE, p.slug, { slug: p.slug, id: stored.id, mimeType: p.mime });
    await this.ctx.userStream(nickname, "uploads").add(stored.id);
    return stored;
  }
}
