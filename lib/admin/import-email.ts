import { confirmEmail } from "../model/user-email";
import { isValidEmail } from "../model/user-rules";
import type { AdminSite } from "./site";

export interface EmailImportResult {
  /** Accounts whose address was set. */
  set: number;
  /** Lines naming no local account. */
  unknown: string[];
  /** Lines that are not "nickname<TAB>email" with a valid address. */
  malformed: Array<{ line: number; text: string }>;
}

/**
 * Sets confirmed email addresses from lines of `nickname<TAB>email` (the
 * original's format; a comma is accepted too, as its help text said).
 * Blank lines and lines starting with # are skipped. An address set so
 * counts as confirmed: the administrator vouches for it.
 */
export async function importEmails(site: AdminSite, text: string): Promise<EmailImportResult> {
  const result: EmailImportResult = { set: 0, unknown: [], malformed: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const m = /^([^\t,\s]+)\s*[\t,]\s*(\S+)$/.exec(raw);
    if (!m || !isValidEmail(m[2])) {
      result.malformed.push({ line: i + 1, text: raw });
      continue;
    }
    const updated = await confirmEmail(site.bank, m[1]!, m[2]!);
    if (updated) result.set++;
    else result.unknown.push(m[1]!);
  }
  return result;
}
