import { BadRequestError } from "../errors";
import { readUser } from "../model/user";
import { clearEmail, setNotifyByEmail, wantsNotifications } from "../model/user-email";
import type { Confirmation } from "./confirmation";
import type { EmailContext } from "./context";

/** A person's email settings as the settings page shows them. */
export interface EmailSettingsView {
  email: string | null;
  pendingEmail: string | null;
  notify: boolean;
}

/** The email part of the settings page: the address (changed only by confirmation) and the notification opt-out. */
export class EmailSettings {
  constructor(
    private readonly ctx: EmailContext,
    private readonly confirmation: Confirmation,
  ) {}

  async view(nickname: string): Promise<EmailSettingsView> {
    const user = await readUser(this.ctx.bank, nickname);
    return { email: user.email ?? null, pendingEmail: user._pendingEmail ?? null, notify: wantsNotifications(user) };
  }

  /**
   * Saves the form: `notify` on or off; a new `email` waits for
   * confirmation (a mail goes to it); an empty one removes the address,
   * unless the site requires one. Returns the address now waiting, if any.
   */
  async save(nickname: string, fields: { email: string; notify: boolean }): Promise<string | null> {
    const email = fields.email.trim();
    if (email === "" && this.ctx.config.requireEmail) throw new BadRequestError("This site needs an email address for every account.");
    await setNotifyByEmail(this.ctx.bank, nickname, fields.notify);
    if (email === "") {
      await clearEmail(this.ctx.bank, nickname);
      await this.ctx.codes.revoke("confirm", nickname);
      return null;
    }
    const user = await readUser(this.ctx.bank, nickname);
    if (email === user._pendingEmail) return email;
    return (await this.confirmation.requestChange(nickname, email)) === "pending" ? email : null;
  }
}
