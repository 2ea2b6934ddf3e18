import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { NoSuchThingError, type Bank } from "../databank";

/** Databank type of emailed codes (confirmation and recovery). */
export const EMAIL_CODE_TYPE = "emailcode";

export type CodePurpose = "confirm" | "recover";

/**
 * One code sent by mail. The code in the link is `<selector>.<verifier>`:
 * the record is found by its selector, and only a hash of the verifier is
 * stored and compared in constant time, so neither a database leak nor
 * response timing gives a usable code away.
 */
export interface CodeRecord {
  selector: string;
  purpose: CodePurpose;
  nickname: string;
  /** The address being confirmed (confirmation codes). */
  email?: string;
  verifierHash: string;
  /** Epoch ms. */
  created: number;
  expires: number;
}

const CODE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

const hash = (verifier: string): string => createHash("sha256").update(verifier).digest("hex");

/** Emailed codes: at most one outstanding per person and purpose, single use, expiring. */
export class EmailCodes {
  constructor(
    private readonly bank: Bank,
    private readonly now: () => number,
  ) {}

  /** Makes a new code, replacing any outstanding one of the same person and purpose; returns the code. */
  async issue(purpose: CodePurpose, nickname: string, ttlMs: number, email?: string): Promise<string> {
    await this.revoke(purpose, nickname);
    const selector = randomBytes(12).toString("base64url");
    const verifier = randomBytes(32).toString("base64url");
    const now = this.now();
    const rec: CodeRecord = { selector, purpose, nickname, verifierHash: hash(verifier), created: now, expires: now + ttlMs };
    if (email !== undefined) rec.email = email;
    await this.bank.create(EMAIL_CODE_TYPE, selector, rec);
    return `${selector}.${verifier}`;
  }

  /** The live record a code stands for, or null (malformed, unknown, wrong purpose, expired). Does not use it up. */
  async check(purpose: CodePurpose, code: unknown): Promise<CodeRecord | null> {
    const m = typeof code === "string" ? CODE.exec(code) : null;
    if (!m) return null;
    const rec = await this.bank.find<CodeRecord>(EMAIL_CODE_TYPE, m[1]!);
    if (!rec || rec.purpose !== purpose) return null;
    const given = Buffer.from(hash(m[2]!), "hex");
    const stored = Buffer.from(rec.verifierHash, "hex");
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    if (!(rec.expires > this.now())) {
      await this.drop(rec.selector);
      return null;
    }
    return rec;
  }

  /**
   * Uses a code up: the live record, or null. Deleting the record is the
   * claim, so of two requests racing with one code only one wins.
   */
  async redeem(purpose: CodePurpose, code: unknown): Promise<CodeRecord | null> {
    const rec = await this.check(purpose, code);
    if (!rec) return null;
    return (await this.drop(rec.selector)) ? rec : null;
  }

  /** The outstanding record of a person, or null. */
  async outstanding(purpose: CodePurpose, nickname: string): Promise<CodeRecord | null> {
    const recs = await this.bank.search<CodeRecord>(EMAIL_CODE_TYPE, { nickname });
    return recs.find((r) => r.purpose === purpose) ?? null;
  }

  /** Forgets every code of a person for this purpose. */
  async revoke(purpose: CodePurpose, nickname: string): Promise<void> {
    const recs = await this.bank.search<CodeRecord>(EMAIL_CODE_TYPE, { nickname });
    for (const r of recs) if (r.purpose === purpose) await this.drop(r.selector);
  }

  /** Deletes a record; false when it was already gone. */
  private async drop(selector: string): Promise<boolean> {
    try {
      await this.bank.del(EMAIL_CODE_TYPE, selector);
      return true;
    } catch (err) {
      if (err instanceof NoSuchThingError) return false;
      throw err;
    }
  }
}
