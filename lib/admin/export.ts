import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { BadRequestError } from "../errors";
import type { AdminSite } from "./site";

const run = promisify(execFile);

export interface ExportResult {
  /** Where it was written: the directory or the tarball. */
  path: string;
  activities: number;
  files: number;
  /** Upload files the store names but the disk lacks. */
  missingFiles: string[];
}

/** Tarball names, by the compression tar is asked for. */
const TARBALL = /\.(tar\.gz|tgz|tar)$/;

/**
 * Writes a person's data (pump-export): `activities.json`, their outbox as
 * an ActivityStreams collection (newest first, objects expanded; a valid
 * input of pump-import-collection), `profile.json`, and their uploaded
 * files under `uploads/` with the paths they are served at (/uploads/...).
 * To a new or empty directory, or a tarball when `out` ends in .tar.gz,
 * .tgz or .tar (made by the system's tar from a temporary directory).
 */
export async function exportPerson(site: AdminSite, nickname: string, out: string): Promise<ExportResult> {
  const target = resolve(out);
  const tarball = TARBALL.test(target);
  if (tarball ? existsSync(target) : existsSync(target) && (await readdir(target)).length > 0) {
    throw new BadRequestError(`${out} already exists${tarball ? "" : " and is not empty"}; choose a new place for the export`);
  }
  const data = await site.engine.importing.exportPerson(nickname);
  const dir = tarball ? await mkdtemp(join(tmpdir(), "pump-export-")) : target;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "activities.json"), `${JSON.stringify(data.outbox, null, 2)}\n`);
    await writeFile(join(dir, "profile.json"), `${JSON.stringify(data.profile, null, 2)}\n`);
    const { files, missing } = await copyUploads(site, data.uploads, join(dir, "uploads"));
    if (tarball) {
      await mkdir(dirname(target), { recursive: true });
      const z = target.endsWith(".tar") ? [] : ["-z"];
      await run("tar", ["-c", ...z, "-f", target, "-C", dir, "."]);
    }
    return { path: target, activities: data.outbox.items.length, files, missingFiles: missing };
  } finally {
    if (tarball) await rm(dir, { recursive: true, force: true });
  }
}

/** Copies every file (full size and thumbnail) of the upload objects. */
async function copyUploads(site: AdminSite, objectIds: string[], into: string): Promise<{ files: number; missing: string[] }> {
  const root = site.config.uploaddir ?? (site.config.datadir ? join(site.config.datadir, "uploads") : null);
  let files = 0;
  const missing: string[] = [];
  for (const id of objectIds) {
    const records = await site.bank.search<{ slug: string }>("upload", { id });
    for (const { slug } of records) {
      // Slugs are ours ("nick/yyyy/mm/dd/name.ext"), but never let one climb out of the folder.
      if (slug.split("/").some((s) => s === ".." || s === "") || basename(slug) === "") continue;
      const from = root ? join(root, ...slug.split("/")) : null;
      if (!from || !existsSync(from)) {
        missing.push(slug);
        continue;
      }
      const to = join(into, ...slug.split("/"));
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
      files++;
    }
  }
  return { files, missing };
}
