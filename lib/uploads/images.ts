import type { Sharp, SharpOptions } from "sharp";
import { BadRequestError, HttpError } from "../errors";
import { IMAGE_FORMATS } from "./media-types";

/** Longest side of an image's thumbnail (ops.md §2). */
export const THUMB_SIZE = 320;
/** Side of an avatar's square thumbnail. */
export const AVATAR_SIZE = 96;
/** Images over this many pixels are refused before decoding (decompression bombs). */
export const MAX_PIXELS = 100_000_000;

export interface Dimensions {
  width: number;
  height: number;
}

/** What processImage wrote. */
export interface ProcessedImage {
  /** The real type of the image (from its content, not from what the client said). */
  mime: string;
  full: Dimensions;
  /** Set when a thumbnail was written (always for avatars). */
  thumb: Dimensions | null;
}

type SharpFn = (input: string, options?: SharpOptions) => Sharp;
let loaded: Promise<SharpFn> | null = null;

/**
 * sharp (libvips) is loaded with the first upload, not at start: it adds
 * about 19 MB to every worker, and most requests never touch an image.
 */
function loadSharp(): Promise<SharpFn> {
  return (loaded ??= import("sharp").then((m) => m.default as SharpFn));
}

const open = (sharp: SharpFn, file: string, animated: boolean): Sharp =>
  // failOn "warning": a truncated or damaged file is refused, not half-decoded.
  sharp(file, { animated, limitInputPixels: MAX_PIXELS, failOn: "warning" });

/** The encoder settings per format: JPEG quality as the original (80 for thumbnails, 90 otherwise). */
function encode(img: Sharp, format: string, quality: number): Sharp {
  if (format === "jpeg") return img.jpeg({ quality, mozjpeg: true });
  if (format === "png") return img.png();
  if (format === "webp") return img.webp({ quality });
  return img.gif();
}

/**
 * Checks an uploaded image by decoding it, then writes the stored copy
 * (EXIF orientation applied, metadata such as GPS position dropped) and,
 * when it is larger than THUMB_SIZE (or for avatars, always), a thumbnail.
 * Not an image we can read → 400; a kind we do not take (SVG, TIFF...) → 415.
 */
export async function processImage(input: string, fullOut: (ext: string) => string, thumbOut: (ext: string) => string, avatar: boolean): Promise<ProcessedImage & { ext: string }> {
  const sharp = await loadSharp();
  let format: string | undefined;
  let pages = 1;
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata();
    format = meta.format;
    pages = meta.pages ?? 1;
  } catch (err) {
    throw new BadRequestError("The file is not an image we can read", { cause: err });
  }
  const mime = format ? IMAGE_FORMATS[format] : undefined;
  if (!format || !mime) throw new HttpError(415, `Unsupported image format: ${format ?? "unknown"} (use JPEG, PNG, GIF or WebP)`);
  const ext = format === "jpeg" ? "jpg" : format;
  const animated = pages > 1;
  try {
    const full = await encode(open(sharp, input, animated).autoOrient(), format, 90).toFile(fullOut(ext));
    const fullSize = { width: full.width, height: animated && full.pageHeight ? full.pageHeight : full.height };
    let thumb: Dimensions | null = null;
    if (avatar) {
      const t = await encode(open(sharp, fullOut(ext), animated).resize(AVATAR_SIZE, AVATAR_SIZE, { fit: "cover", position: "centre" }), format, 90).toFile(thumbOut(ext));
      thumb = { width: t.width, height: animated && t.pageHeight ? t.pageHeight : t.height };
    } else if (Math.max(fullSize.width, fullSize.height) > THUMB_SIZE) {
      const t = await encode(open(sharp, fullOut(ext), animated).resize(THUMB_SIZE, THUMB_SIZE, { fit: "inside" }), format, 80).toFile(thumbOut(ext));
      thumb = { width: t.width, height: animated && t.pageHeight ? t.pageHeight : t.height };
    }
    return { mime, ext, full: fullSize, thumb };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const msg = err instanceof Error ? err.message : "";
    if (/pixel limit/i.test(msg)) throw new BadRequestError("The image is too large (too many pixels)", { cause: err });
    throw new BadRequestError("The file is not an image we can read (damaged or incomplete)", { cause: err });
  }
}
