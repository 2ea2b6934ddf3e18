import type { Engine, Viewer } from "../activity";
import type { AS } from "../model/as";
import type { PrefsStore } from "./prefs";

/** How many of the newest inbox activities are looked through for notifications. */
const LOOK_BACK = 40;

const idOf = (v: unknown): string | null => (v && typeof v === "object" && typeof (v as AS).id === "string" ? (v as AS).id : null);

function addressedTo(act: AS, personId: string): boolean {
  return ["to", "cc", "bto", "bcc"].some((f) => Array.isArray(act[f]) && (act[f] as unknown[]).some((r) => idOf(r) === personId));
}

/**
 * Whether an inbox activity is news for `personId` (issue 13 item 4):
 * someone else liked, shared or replied to their things, followed them,
 * or mentioned them (a link to their page in the post).
 */
export function isNotificationFor(act: AS, personId: string, profileUrl: string): boolean {
  if (idOf(act.actor) === personId) return false;
  const obj = act.object && typeof act.object === "object" ? (act.object as AS) : null;
  if (!obj) return false;
  switch (act.verb) {
    case "favorite":
    case "like":
    case "share":
      return idOf(obj.author) === personId;
    case "follow":
      return obj.id === personId;
    case "post": {
      if (obj.inReplyTo && idOf((obj.inReplyTo as AS).author) === personId) return true;
      // A reply is addressed to the author of what it answers (addressing.ts).
      if (obj.inReplyTo && addressedTo(act, personId)) return true;
      const content = typeof obj.content === "string" ? obj.content : "";
      return content.includes(`href="${profileUrl}"`);
    }
    default:
      return false;
  }
}

/** The notifications of a local user, read from their inboxes, and what they have not seen yet. */
export class Notifications {
  constructor(private readonly deps: { engine: Engine; prefs: PrefsStore; profileUrl: (nickname: string) => string }) {}

  /** Newest first, at most LOOK_BACK from each inbox. */
  async list(viewer: Viewer & { nickname: string }): Promise<AS[]> {
    const { engine } = this.deps;
    const n = viewer.nickname;
    const q = { count: LOOK_BACK };
    const [major, minor] = await Promise.all([engine.streams.inbox(n, "inbox/major", q, viewer), engine.streams.inbox(n, "inbox/minor", q, viewer)]);
    const url = this.deps.profileUrl(n);
    const all = [...((major.items ?? []) as AS[]), ...((minor.items ?? []) as AS[])].filter((a) => isNotificationFor(a, viewer.personId ?? "", url));
    return all.sort((a, b) => String(b.published ?? "").localeCompare(String(a.published ?? "")));
  }

  /** How many notifications are newer than the last one seen. */
  async unread(viewer: Viewer & { nickname: string }): Promise<number> {
    const [items, prefs] = await Promise.all([this.list(viewer), this.deps.prefs.get(viewer.nickname)]);
    const seen = prefs.notificationsSeen ?? "";
    return items.filter((a) => String(a.published ?? "") > seen).length;
  }

  /** The stamp of the newest notification seen ("" for none). */
  async seenStamp(nickname: string): Promise<string> {
    return (await this.deps.prefs.get(nickname)).notificationsSeen ?? "";
  }

  /** Everything up to the newest of `items` counts as seen. */
  async markSeen(nickname: string, items: AS[]): Promise<void> {
    const newest = items.map((a) => String(a.published ?? "")).sort().pop();
    const prefs = await this.deps.prefs.get(nickname);
    if (newest && newest > (prefs.notificationsSeen ?? "")) await this.deps.prefs.set(nickname, { notificationsSeen: newest });
  }
}
