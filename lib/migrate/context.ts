import type { Bank } from "../databank";
import type { UrlMaker } from "../url-maker";
import type { SiteFacts } from "./facts";
import type { OldSite } from "./old-site";
import type { Progress } from "./progress";
import type { OriginalSource } from "./source";
import type { Target } from "./target";

/** What every phase works with. */
export interface MigrateContext {
  src: OriginalSource;
  target: Target;
  bank: Bank;
  urls: UrlMaker;
  facts: SiteFacts;
  old: OldSite;
  /** Where our uploads live (`<datadir>/uploads`), or null when this server has no datadir. */
  uploadDir: string | null;
  progress: Progress;
}

/** A migration error with a message fit for the admin's terminal. */
export class MigrateError extends Error {
  override name = "MigrateError";
}
