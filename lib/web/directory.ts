import type { Engine, Viewer } from "../activity";
import type { Bank } from "../databank";
import type { AS } from "../model/as";
import { listUsers } from "../model/user";
import { WEB_PREFS_TYPE, type WebPrefs } from "./prefs";

/** People looked through per directory page (the site's newest accounts first). */
const SCAN = 200;

/**
 * The site's directory of people (issue 13 item 5): local users, newest
 * first, without those who opted out in settings; `q` keeps those whose
 * nickname or display name contains it. An exact nickname always finds
 * its person (opting out hides you from browsing, not from being found
 * by name).
 */
export async function directory(deps: { bank: Bank; engine: Engine }, q: string, viewer: Viewer): Promise<AS[]> {
  const page = await listUsers(deps.bank, { count: SCAN });
  const nicknames = page.users.map((u) => u.nickname);
  const prefs = nicknames.length ? await deps.bank.readAll<WebPrefs>(WEB_PREFS_TYPE, nicknames) : {};
  const needle = q.trim().toLowerCase().replace(/^@/, "");
  const out: AS[] = [];
  for (const nick of nicknames) {
    const exact = needle !== "" && nick.toLowerCase() === needle;
    if (prefs[nick]?.hideFromDirectory && !exact) continue;
    // As the viewer sees it: with `pump_io.followed` for the Follow button.
    const p = await deps.engine.getProfile(nick, viewer).catch(() => null);
    if (!p) continue;
    const name = `${nick} ${typeof p.displayName === "string" ? p.displayName : ""}`.toLowerCase();
    if (needle && !name.includes(needle)) continue;
    out.push(p);
  }
  return out;
}
