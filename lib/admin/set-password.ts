import { setPassword } from "../model/user";
import { checkPassword } from "../model/user-rules";
import type { AdminSite } from "./site";

/**
 * Sets a local account's password as the server would store it (bcrypt,
 * same cost), after the server's password rules (like the original's
 * tool), and logs out every web session of the account, as a password
 * change on the web does. OAuth tokens stay valid, as they do after a web
 * change: apps were authorised by the person, not by the password.
 * Returns how many sessions ended.
 */
export async function setAccountPassword(site: AdminSite, nickname: string, password: string): Promise<number> {
  const checked = checkPassword(password);
  await setPassword(site.bank, nickname, checked);
  return site.sessions.removeSessionsOf(nickname);
}
