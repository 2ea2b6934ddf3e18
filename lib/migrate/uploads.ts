import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { dirname, extname, join, relative } from "node:path";
import type { AS } from "../model/as";
import { UPLOAD_TYPE } from "../uploads/store";
import { GENERIC_TYPE } from "../uploads/media-types";
import type { MigrateContext } from "./context";
import { each, type Phase } from "./phase";

const MEDIA_TYPES = ["image", "audio", "video", "file"];
const BY_EXTENSION: Record<string, string> = {
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
  ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
  ".mp4": "video/mp4", ".ogv": "video/ogg", ".webm": "video/webm",
};

/** Every file under `dir`, as paths relative to it; [] when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const all = await readdir(dir, { recursive: true, withFileTypes: true });
    return all.filter((d) => d.isFile()).map((d) => relative(dir, join(d.parentPath ?? (d as unknown as { path: string }).path, d.name))).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/**
 * The files under the old `<datadir>/uploads`, copied to ours at the same
 * paths (so `/uploads/<slug>` URLs keep working; a file already there with
 * the same size is left alone), and our `upload` record for each slug the
 * original's media objects name (`_slug`, and `_fslug` for full images).
 */
export const uploadsPhase: Phase = {
  name: "uploads",
  async run(ctx) {
    const from = ctx.old.datadir ? join(ctx.old.datadir, "uploads") : null;
    const files = from ? await filesUnder(from) : [];
    if (files.length > 0 && ctx.uploadDir === null) {
      ctx.progress.note(`uploads: ${files.length} files in ${from} NOT copied: this server has no datadir (set datadir and run again)`);
    }
    const objects: AS[] = [];
    for (const type of MEDIA_TYPES) objects.push(...(await ctx.src.scan<AS>(type)));
    const copies = ctx.uploadDir === null ? [] : files;
    ctx.progress.start("uploads", copies.length + objects.length);
    await each(ctx, copies, async (rel) => {
      const src = join(from!, rel);
      const dest = join(ctx.uploadDir!, rel);
      const [a, b] = await Promise.all([stat(src), stat(dest).catch(() => null)]);
      if (b && b.size === a.size) return ctx.target.tally.add("file", false);
      await mkdir(dirname(dest), { recursive: true });
      await copyFile(src, dest);
      ctx.target.tally.add("file", true);
    });
    await each(ctx, objects, async (obj) => {
      if (typeof obj.id !== "string") return;
      for (const slug of [obj._slug, obj._fslug]) {
        if (typeof slug !== "string" || slug === "") continue;
        await ctx.target.put("upload", UPLOAD_TYPE, slug, { slug, id: obj.id, mimeType: servedType(obj, slug) });
      }
    });
  },
};

/**
 * The type a migrated file is served as: media by their known types; any
 * other file only ever as a download, as our own uploads of other files
 * (an old upload could be HTML or SVG, which must not render on our origin).
 */
function servedType(obj: AS, slug: string): string {
  const byName = BY_EXTENSION[extname(slug).toLowerCase()];
  if (obj.objectType === "file" || !byName) return GENERIC_TYPE;
  return typeof obj.mimeType === "string" && obj.mimeType.split("/")[0] === byName.split("/")[0] ? obj.mimeType : byName;
}
