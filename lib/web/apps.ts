import type { Bank } from "../databank";
import { readClient } from "../oauth/clients";
import type { AccessTokenRecord } from "../oauth/tokens";

/** An application holding an access token of the person (issue 13 item 7). */
export interface AuthorisedApp {
  consumerKey: string;
  name: string;
  since: string;
}

const TOKEN_TYPE = "accesstoken";

/** The applications the person has let act for them, oldest first, one per application. */
export async function authorisedApps(bank: Bank, nickname: string): Promise<AuthorisedApp[]> {
  const tokens = await bank.search<AccessTokenRecord>(TOKEN_TYPE, { username: nickname });
  const byClient = new Map<string, AuthorisedApp>();
  for (const t of tokens.sort((a, b) => a.created.localeCompare(b.created))) {
    if (byClient.has(t.consumer_key)) continue;
    const client = await readClient(bank, t.consumer_key);
    byClient.set(t.consumer_key, { consumerKey: t.consumer_key, name: client?.title || "An unnamed application", since: t.created });
  }
  return [...byClient.values()];
}

/** Revokes every access token the application holds for the person; false when it held none. */
export async function revokeApp(bank: Bank, nickname: string, consumerKey: string): Promise<boolean> {
  const tokens = await bank.search<AccessTokenRecord>(TOKEN_TYPE, { username: nickname, consumer_key: consumerKey });
  for (const t of tokens) await bank.del(TOKEN_TYPE, t.access_token);
  return tokens.length > 0;
}
