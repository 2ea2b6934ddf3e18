import type { Bank } from "../databank";

export const WEB_PREFS_TYPE = "webprefs";

/** A person's web UI settings (one record per local user). */
export interface WebPrefs {
  nickname: string;
  /** The `published` stamp of the newest notification they have seen. */
  notificationsSeen?: string;
  /** True: left out of the site's directory of people. */
  hideFromDirectory?: boolean;
}

/** Reads and changes WebPrefs records. */
export class PrefsStore {
  constructor(private readonly bank: Bank) {}

  async get(nickname: string): Promise<WebPrefs> {
    return (await this.bank.find<WebPrefs>(WEB_PREFS_TYPE, nickname)) ?? { nickname };
  }

  async set(nickname: string, changes: Partial<Omit<WebPrefs, "nickname">>): Promise<WebPrefs> {
    const rec = { ...(await this.get(nickname)), ...changes, nickname };
    return this.bank.save(WEB_PREFS_TYPE, nickname, rec);
  }
}
