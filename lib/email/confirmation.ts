import { BadRequestError, HttpError } from "../errors";
import { isValidEmail } from "../model/user-rules";
import { findUser, readUser, type UserRecord } from "../model/user";
import { confirmEmail, setPendingEmail } from "../model/user-email";
import { sendTemplate, type EmailContext } from "./context";

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 24 * 60 * 60 * 1000;
/** Least time between two confirmation mails for one person. */
export const RESEND_INTERVAL_MS = 60 * 1000;

/** What a used confirmation code did. */
export interface Confirmed {
  nickname: string;
  email: string;
  /** True when the account had no confirmed address before (a new account): the person may now log in. */
  first: boolean;
}

/** 429 with Retry-After. */
export class TooSoonError extends HttpError {
  constructor(retryAfterMs: number, what: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(429, `${what} Try again in ${seconds} seconds.`, { headers: { "Retry-After": String(seconds) } });
  }
}

/**
 * Email confirmation: a new address (at registration, or a change in
 * settings) waits in `_pendingEmail` until the link mailed to it is used;
 * only then does it become the account's `email`.
 */
export class Confirmation {
  constructor(private readonly ctx: EmailContext) {}

  /** After registration: mails the link for the address given, if any. Never throws. */
  async afterRegister(user: UserRecord): Promise<void> {
    if (!user._pendingEmail) return;
    try {
      await this.send(user.nickname, user._pendingEmail);
    } catch (err) {
      this.ctx.log.error({ err, nickname: user.nickname }, "could not start email confirmation");
    }
  }

  /**
   * A person asks to use another address: it waits for confirmation, the
   * current one stays until then. The same address as now cancels a
   * pending change. Invalid address → 400.
   */
  async requestChange(nickname: string, email: unknown): Promise<"pending" | "unchanged"> {
    if (!isValidEmail(email)) throw new BadRequestError("Invalid email address provided");
    const user = await readUser(this.ctx.bank, nickname);
    if (user.email === email) {
      if (user._pendingEmail) await setPendingEmail(this.ctx.bank, nickname, null);
      await this.ctx.codes.revoke("confirm", nickname);
      return "unchanged";
    }
    await setPendingEmail(this.ctx.bank, nickname, email);
    await this.send(nickname, email);
    return "pending";
  }

  /** Mails a new link for the address waiting for confirmation (the old link stops working). */
  async resend(nickname: string): Promise<{ email: string }> {
    const user = await readUser(this.ctx.bank, nickname);
    const email = user._pendingEmail;
    if (!email) throw new BadRequestError("No email address is waiting for confirmation.");
    const last = await this.ctx.codes.outstanding("confirm", nickname);
    const wait = last ? last.created + RESEND_INTERVAL_MS - this.ctx.now() : 0;
    if (wait > 0) throw new TooSoonError(wait, "A confirmation email was sent a moment ago.");
    await this.send(nickname, email);
    return { email };
  }

  /** The account a valid code would confirm, without using it (for the page that asks to confirm). */
  async peek(code: unknown): Promise<{ nickname: string; email: string } | null> {
    const rec = await this.ctx.codes.check("confirm", code);
    return rec && rec.email ? { nickname: rec.nickname, email: rec.email } : null;
  }

  /** Uses a code: the address becomes the account's. Unknown, used or expired → 400. */
  async confirm(code: unknown): Promise<Confirmed> {
    const rec = await this.ctx.codes.redeem("confirm", code);
    const user = rec?.email ? await findUser(this.ctx.bank, rec.nickname) : null;
    if (!rec || !rec.email || !user) throw invalidLink();
    const first = !user.email;
    await confirmEmail(this.ctx.bank, rec.nickname, rec.email);
    return { nickname: rec.nickname, email: rec.email, first };
  }

  private async send(nickname: string, email: string): Promise<void> {
    const code = await this.ctx.codes.issue("confirm", nickname, CONFIRM_TTL_MS, email);
    const link = this.ctx.urls.makeURL(`/main/confirm/${code}`);
    await sendTemplate(this.ctx, email, `Confirm your email address for ${this.ctx.config.site}`, "confirm", {
      nickname,
      email,
      link,
      hours: Math.round(CONFIRM_TTL_MS / 3600000),
    });
  }
}

export function invalidLink(): BadRequestError {
  return new BadRequestError("This link is not valid: it has expired, was already used, or a newer one was sent.");
}
