/**
 * What we accept and how we name it on disk (shared/reference/ops.md §2):
 * the original's MIME → extension map, the object type each MIME gets, and
 * cheap "does the file start like one" checks for audio and video (images
 * are checked by decoding them with sharp).
 */

/** The ActivityStreams object type an upload becomes. */
export type UploadClass = "image" | "audio" | "video" | "file";

/** The original's map, plus image/webp; SVG is left out (see IMAGE_FORMATS). */
export const EXTENSIONS: Readonly<Record<string, string>> = {
  "audio/flac": "flac",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/x-wav": "wav",
  "audio/wav": "wav",
  "image/gif": "gif",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "video/3gpp": "3gp",
  "video/mpeg": "mpg",
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/ogg": "ogv",
  "video/webm": "webm",
  "video/x-msvideo": "avi",
};

/** Any other file: stored as `.bin`, served only as a download. */
export const GENERIC_EXTENSION = "bin";
export const GENERIC_TYPE = "application/octet-stream";

/**
 * Image formats sharp decodes and we re-encode, by sharp's format name.
 * SVG is refused: served from our origin it could carry script.
 */
export const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
};

/** `type/subtype` in lower case, without parameters; "" when there is none. */
export function bareType(contentType: string | undefined | null): string {
  if (typeof contentType !== "string") return "";
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** The object type for a MIME type (api.md §10: by its top-level type). */
export function classOf(mime: string): UploadClass {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("audio/")) return "audio";
  if (mime.startsWith("video/")) return "video";
  return "file";
}

/** True when a MIME type looks like one (RFC 6838 token/token). */
export function isMimeType(mime: string): boolean {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(mime);
}

const ascii = (buf: Buffer, at: number, text: string): boolean => buf.subarray(at, at + text.length).toString("latin1") === text;

/** How each audio/video type's files begin (container signatures). */
const SIGNATURES: Readonly<Record<string, (b: Buffer) => boolean>> = {
  "audio/flac": (b) => ascii(b, 0, "fLaC"),
  // An ID3 tag, or an MPEG audio frame sync (11 set bits).
  "audio/mpeg": (b) => ascii(b, 0, "ID3") || (b.length > 1 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0),
  "audio/ogg": (b) => ascii(b, 0, "OggS"),
  "audio/x-wav": (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE"),
  "audio/wav": (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE"),
  "video/3gpp": (b) => ascii(b, 4, "ftyp"),
  "video/mpeg": (b) => b.length > 3 && b[0] === 0 && b[1] === 0 && b[2] === 1 && (b[3] === 0xba || b[3] === 0xb3),
  "video/mp4": (b) => ascii(b, 4, "ftyp"),
  "video/quicktime": (b) => ["ftyp", "moov", "mdat", "wide", "free", "skip"].some((t) => ascii(b, 4, t)),
  "video/ogg": (b) => ascii(b, 0, "OggS"),
  "video/webm": (b) => b.length > 3 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3,
  "video/x-msvideo": (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "AVI "),
};

/** True when the first bytes of a file fit its declared audio/video type (unknown types: true). */
export function looksLike(mime: string, head: Buffer): boolean {
  const check = SIGNATURES[mime];
  return check ? check(head) : true;
}

/** A short human name of a type for messages ("an OGG audio file"). */
export function describe(mime: string): string {
  const ext = EXTENSIONS[mime];
  const cls = classOf(mime);
  return ext ? `${ext.toUpperCase()} ${cls === "file" ? "" : cls} file`.replace("  ", " ") : `${mime} file`;
}
