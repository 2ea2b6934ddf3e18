import type { AS } from "../model/as";
import { isPlainObject } from "../model/as";
import { findUser, localPersonId } from "../model/user";
import { wantsNotifications } from "../model/user-email";
import { pastTense } from "../activity/content";
import type { Delivered } from "../activity";
import { htmlToText } from "../web/text";
import { sendTemplate, type EmailContext } from "./context";

const EXCERPT_CHARS = 300;

const nameOf = (obj: AS | null, fallback: string): string => {
  if (obj && typeof obj.displayName === "string" && obj.displayName.trim() !== "") return obj.displayName.trim();
  if (obj && typeof obj.preferredUsername === "string") return obj.preferredUsername;
  return fallback;
};

const article = (type: string): string => (/^[aeiou]/i.test(type) ? `an ${type}` : `a ${type}`);

/**
 * "Someone sent you something" mail: to each local person an activity was
 * addressed to directly (not through followers or a list), never for
 * their own actions, only to a confirmed address, unless they opted out.
 */
export class Notifications {
  constructor(private readonly ctx: EmailContext) {}

  /** Queues the mails for one delivered activity. Never throws (failures are logged). */
  async notify(d: Delivered): Promise<void> {
    if (!this.ctx.outbox || d.direct.length === 0) return;
    const actorId = isPlainObject(d.activity.actor) ? d.activity.actor.id : undefined;
    for (const { nickname, object } of d.direct) {
      try {
        // Never for one's own actions.
        if (actorId !== undefined && actorId === localPersonId(nickname, this.ctx.urls)) continue;
        const user = await findUser(this.ctx.bank, nickname);
        if (!user || typeof user.email !== "string" || !wantsNotifications(user)) continue;
        await this.send(user.email, d, object, localPersonId(nickname, this.ctx.urls));
      } catch (err) {
        this.ctx.log.error({ err, nickname }, "could not queue notification");
      }
    }
  }

  /** `obj` is the activity's object as this recipient may see it (a stub carries no name or content). */
  private async send(to: string, d: Delivered, obj: AS | null, recipientId: string): Promise<void> {
    const actor = nameOf(d.actor, "Someone");
    const verb = typeof d.activity.verb === "string" ? d.activity.verb : "post";
    const type = obj && typeof obj.objectType === "string" ? obj.objectType : "object";
    let object = article(type);
    if (obj?.id === recipientId) object = "you";
    else if (type === "person" || type === "group") object = nameOf(obj, object);
    else if (obj && typeof obj.displayName === "string" && obj.displayName.trim()) object = `“${obj.displayName.trim()}”`;
    const summary = `${actor} ${pastTense(verb)} ${object}`;
    const content = obj && typeof obj.content === "string" ? htmlToText(obj.content) : "";
    const excerpt = content.length > EXCERPT_CHARS ? `${content.slice(0, EXCERPT_CHARS - 1)}…` : content;
    const link = typeof d.activity.url === "string" ? d.activity.url : typeof d.activity.id === "string" ? d.activity.id : this.ctx.urls.makeURL("/");
    await sendTemplate(this.ctx, to, `${summary} on ${this.ctx.config.site}`, "notify", {
      summary,
      excerpt,
      link,
      settings: this.ctx.urls.makeURL("/main/settings"),
    });
  }
}
