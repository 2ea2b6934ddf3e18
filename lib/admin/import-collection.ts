import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { BadRequestError, HttpError } from "../errors";
import { createUser, findUser } from "../model/user";
import { isPlainObject, type AS } from "../model/as";
import type { AdminSite } from "./site";

/** The activities to import, each with where it came from (for error messages). */
export interface ImportSource {
  items: Array<{ where: string; activity: unknown }>;
}

/** What an import did, by kind. */
export interface ImportCounts {
  total: number;
  imported: number;
  /** Already stored under the same id (a second run changes nothing). */
  present: number;
  /** Accounts created from `join` activities of this site's service. */
  usersCreated: number;
  failed: number;
  /** The first failures, with their reasons. */
  failures: Array<{ where: string; error: string }>;
}

const MAX_LISTED_FAILURES = 20;

/** Reads an ActivityStreams collection file: `{"items": [activity, ...]}` (or a bare array). */
export function readCollectionFile(file: string): ImportSource {
  const data = parseJson(file);
  const items = Array.isArray(data) ? data : isPlainObject(data) && Array.isArray(data.items) ? data.items : null;
  if (!items) throw new BadRequestError(`${file} is not an ActivityStreams collection: it has no "items" list`);
  return { items: items.map((activity, i) => ({ where: `${file} item ${i + 1}`, activity })) };
}

/** Reads a directory tree of one-activity JSON files (the original's "divided" layout), in name order. */
export function readActivityDirectory(dir: string): ImportSource {
  const items: ImportSource["items"] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (err) {
      throw new BadRequestError(`cannot read the directory ${d}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else items.push({ where: p, activity: parseJson(p) });
    }
  };
  walk(dir);
  return { items };
}

function parseJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new BadRequestError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Oldest first, so that each stream (newest first, new items in front)
 * ends up in the original order; activities without a date keep their place.
 */
function chronological(items: ImportSource["items"]): ImportSource["items"] {
  const time = (a: unknown): number => {
    const p = isPlainObject(a) && typeof a.published === "string" ? Date.parse(a.published) : NaN;
    return Number.isNaN(p) ? Number.NEGATIVE_INFINITY : p;
  };
  return items.map((it, i) => ({ it, i, t: time(it.activity) })).sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1)).map((x) => x.it);
}

/**
 * Imports activities as the original's pump-import-collection did, one at a
 * time: a `join` of this site's service registers its person as a local
 * account (nickname from portablecontacts_net.preferredUsername, a random
 * password: set one with pump-set-password); every other activity is
 * stored under its id unless one is already there (see
 * lib/activity/import.ts). A bad activity is counted and skipped.
 * `onProgress` is called after each item.
 */
export async function importCollection(
  site: AdminSite,
  source: ImportSource,
  opts: { asUser?: string | null; onProgress?: (done: number, counts: ImportCounts) => void } = {},
): Promise<ImportCounts> {
  const counts: ImportCounts = { total: source.items.length, imported: 0, present: 0, usersCreated: 0, failed: 0, failures: [] };
  if (opts.asUser) {
    // Fail once, up front, rather than once per activity.
    if (!(await findUser(site.bank, opts.asUser))) throw new BadRequestError(`No such 'user' with id '${opts.asUser}'`);
  }
  const { importing } = site.engine;
  let done = 0;
  for (const { where, activity } of chronological(source.items)) {
    try {
      if (!opts.asUser && importing.isRegistration(activity)) {
        if (!(await importing.isPresent(activity)) && (await register(site, activity))) counts.usersCreated++;
        else counts.present++;
      } else {
        const outcome = await importing.importActivity(activity, { asUser: opts.asUser ?? null });
        counts[outcome]++;
      }
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) site.log.error({ err, where }, "import of an activity failed");
      counts.failed++;
      if (counts.failures.length < MAX_LISTED_FAILURES) counts.failures.push({ where, error: (err as Error).message });
    }
    opts.onProgress?.(++done, counts);
  }
  return counts;
}

/** Registers the person of a `join`; false when the account already exists. */
async function register(site: AdminSite, join: AS): Promise<boolean> {
  const nickname = site.engine.importing.registrationNickname(join);
  if (nickname === null) throw new BadRequestError("No discernable nickname");
  if (await findUser(site.bank, nickname)) return false;
  const password = randomBytes(18).toString("base64url");
  const user = await createUser(site.bank, site.config, site.urls, { nickname, password }, { trusted: true });
  await site.engine.afterRegister(user);
  await site.engine.importing.adoptProfile(nickname, join.actor);
  return true;
}
