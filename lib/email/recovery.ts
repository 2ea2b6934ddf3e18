import { BadRequestError, HttpError } from "../errors";
import { checkPassword } from "../model/user-rules";
import { findUser, setPassword, type UserRecord } from "../model/user";
import { findUsersByEmail } from "../model/user-email";
import { sendTemplate, type EmailContext } from "./context";
import { invalidLink } from "./confirmation";

/** How long a recovery link works. */
export const RECOVER_TTL_MS = 60 * 60 * 1000;
/** A person gets at most one recovery mail in this time (asking again does nothing). */
export const RECOVER_INTERVAL_MS = 60 * 1000;
/** Recovery requests one client address may make per window (as many as failed logins: behind a proxy, all share one address). */
export const RECOVER_PER_ADDRESS = 30;
export const RECOVER_WINDOW_MS = 60 * 60 * 1000;

/**
 * Password recovery by mail. Asking never reveals whether an account
 * exists or has an address; a person has at most one live link (a new
 * request replaces the old), which works once and expires.
 */
export class Recovery {
  constructor(private readonly ctx: EmailContext) {}

  /**
   * A request from the recover form: `identifier` is a nickname or a
   * confirmed address. Resolves the same way whether or not anyone gets
   * mail; 429 only when this client address asked too often.
   */
  async request(identifier: unknown, clientAddress: string): Promise<void> {
    const id = typeof identifier === "string" ? identifier.trim() : "";
    if (id === "" || id.length > 254) throw new BadRequestError("Enter your nickname or email address.");
    if (!(await this.ctx.rate.take(`recover:${clientAddress}`, RECOVER_PER_ADDRESS, RECOVER_WINDOW_MS))) {
      throw new HttpError(429, "Too many password recovery requests. Try again later.", { headers: { "Retry-After": String(RECOVER_WINDOW_MS / 1000) } });
    }
    const users = id.includes("@") ? await findUsersByEmail(this.ctx.bank, id) : [await findUser(this.ctx.bank, id)];
    for (const user of users) if (user?.email) await this.send(user as UserRecord & { email: string });
  }

  /** The nickname a live code is for, without using it (the new-password form). */
  async peek(code: unknown): Promise<string | null> {
    return (await this.ctx.codes.check("recover", code))?.nickname ?? null;
  }

  /**
   * Sets the new password: the code must be live, the password pass the
   * registration rules and match its repeat (checked before the code is
   * used up, so a typo does not cost the link). Returns the nickname.
   */
  async redeem(code: unknown, password: unknown, repeat: unknown): Promise<string> {
    if (!(await this.peek(code))) throw invalidLink();
    const pw = checkPassword(password);
    if (pw !== repeat) throw new BadRequestError("The passwords don't match.");
    const rec = await this.ctx.codes.redeem("recover", code);
    if (!rec || !(await findUser(this.ctx.bank, rec.nickname))) throw invalidLink();
    await setPassword(this.ctx.bank, rec.nickname, pw);
    return rec.nickname;
  }

  private async send(user: UserRecord & { email: string }): Promise<void> {
    const last = await this.ctx.codes.outstanding("recover", user.nickname);
    if (last && this.ctx.now() - last.created < RECOVER_INTERVAL_MS) return;
    const code = await this.ctx.codes.issue("recover", user.nickname, RECOVER_TTL_MS);
    await sendTemplate(this.ctx, user.email, `Recover password for ${this.ctx.config.site}`, "recover", {
      nickname: user.nickname,
      link: this.ctx.urls.makeURL(`/main/recover/${code}`),
      minutes: Math.round(RECOVER_TTL_MS / 60000),
    });
  }
}
