import type { Bank } from "../databank";
import { AlreadyExistsError } from "../databank";
import type { PumpConfig } from "../config";
import type { Logger } from "../log";
import type { UrlMaker } from "../url-maker";
import { createClient, readClient, updateClient, type ClientProps } from "./clients";
import { saveAccessToken } from "./tokens";
import { saveBearerToken } from "./bearer";
import { createUser, findUser, type UserRecord } from "../model/user";

/**
 * Creates or updates the clients of config `clients` (their key and secret
 * come from the config). Logs a warning for each, naming it, never its secret.
 */
export async function ensureConfiguredClients(bank: Bank, config: Pick<PumpConfig, "clients">, log: Logger): Promise<void> {
  for (const c of config.clients) {
    const props: ClientProps = { title: c.title ?? null, description: c.description ?? null, type: null };
    if (c.host) props.host = c.host;
    const current = await readClient(bank, c.client_id);
    if (current) {
      // The config is the source of truth for these clients, secret included.
      await updateClient(bank, { ...current, secret: c.client_secret }, props);
    } else {
      try {
        await createClient(bank, props, { consumer_key: c.client_id, secret: c.client_secret });
      } catch (err) {
        // Another worker created it at the same moment: fine.
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
    log.warn({ client_id: c.client_id, title: c.title ?? null }, "OAuth client configured in the config file; its credentials are as safe as that file");
  }
}

/**
 * Creates the accounts of config `users` that do not exist yet (password
 * rules not applied: the administrator chose them) and stores their OAuth 1
 * tokens: one with `token_secret` (and no `scope`) is an OAuth 1 access
 * token, any other an OAuth 2 bearer token (oauth.md §8, as the original's
 * test configs use them). `afterRegister` runs for each account created
 * (same hook as POST /api/users).
 */
export async function ensureConfiguredUsers(
  bank: Bank,
  config: Pick<PumpConfig, "users" | "disableRegistration" | "requireEmail" | "haveEmail" | "nicknameBlacklist">,
  urls: UrlMaker,
  log: Logger,
  afterRegister: (user: UserRecord) => Promise<void> = async () => {},
): Promise<void> {
  for (const u of config.users) {
    const { tokens, ...props } = u;
    if (!(await findUser(bank, u.nickname))) {
      try {
        const user = await createUser(bank, config, urls, props, { trusted: true });
        await afterRegister(user);
      } catch (err) {
        if ((err as { status?: number }).status !== 409) throw err;
      }
    }
    for (const t of tokens ?? []) {
      if (t.token_secret && !t.scope) {
        await saveAccessToken(bank, t.token, t.token_secret, t.client_id, u.nickname);
      } else {
        await saveBearerToken(bank, { token: t.token, nickname: u.nickname, client_id: t.client_id, scope: typeof t.scope === "string" ? t.scope : "" });
        log.warn({ nickname: u.nickname, client_id: t.client_id }, "OAuth 2 bearer token configured in the config file; it is as safe as that file");
      }
    }
  }
}
