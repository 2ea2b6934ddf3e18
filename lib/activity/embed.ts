import type { AS } from "../model/as";
import type { Ctx } from "./context";
import { accessByPost, isAuthor, objectAccess, type RecipientMemo } from "./visibility";

/**
 * What an object embedded in something else may show one viewer (issue 8).
 *
 * Reading an activity (or a stream of objects) is checked against the
 * activity's own addresses, but the objects it carries have their own
 * audience: bob's share of a note alice sent only to bob reaches bob's
 * followers, who are not the note's readers. Every place that presents an
 * embedded object — an activity's object/target, an object's inReplyTo,
 * list members, stream items — asks this guard, so the rule lives here and
 * nowhere else.
 *
 * The rule: the object's author may see it; persons are public profiles;
 * otherwise the viewer must be a recipient of the object's post (or create)
 * activity. An object that was never posted here ("no-post": remote
 * objects, places, clients, things first named by a like) came with the
 * very activity that carries it, whose readers already have it, so it is
 * shown. Only "denied" hides.
 *
 * A hidden object becomes a stub with just `id` and `objectType`: enough
 * for a client to lay out "bob shared a note" and to link to the object
 * (whose own route answers 403), nothing of what the object says or who
 * wrote it (no content, displayName, summary, image, author, counts,
 * inReplyTo, attachments, location ...).
 */
export class EmbedGuard {
  /** Answers by object id: one page often embeds the same object several times. */
  private readonly answers = new Map<string, Promise<boolean>>();
  /** The viewer's follows and memberships, asked once per page. */
  readonly memo: RecipientMemo = new Map();

  constructor(
    private readonly ctx: Ctx,
    readonly viewerId: string | null,
  ) {}

  /** True when the viewer may see the (stored) object in full. */
  may(obj: AS): Promise<boolean> {
    if (typeof obj.id !== "string" || obj.objectType === "person") return Promise.resolve(true);
    let answer = this.answers.get(obj.id);
    if (!answer) {
      answer = objectAccess(this.ctx, obj, this.viewerId).then((a) => a !== "denied");
      this.answers.set(obj.id, answer);
    }
    return answer;
  }

  /**
   * Decides for many objects at once: their post activities are read in
   * two batched reads (none for those in `known`, such as the activities
   * of the page being presented, which are usually the objects' posts).
   */
  async prime(objs: AS[], known: AS[] = []): Promise<void> {
    const todo = objs.filter((o) => typeof o.id === "string" && o.objectType !== "person" && !this.answers.has(o.id));
    // What the viewer wrote needs no post (the viewer's own new note, their followers collection).
    for (const o of todo) if (isAuthor(o, this.viewerId)) this.answers.set(o.id, Promise.resolve(true));
    const rest = todo.filter((o) => !this.answers.has(o.id));
    if (rest.length === 0) return;
    const inHand = new Map(known.filter((a) => typeof a.id === "string").map((a) => [a.id as string, a]));
    const posts = await this.ctx.activities.postActivitiesOf(rest.map((o) => o.id as string), inHand);
    for (const o of rest) {
      if (this.answers.has(o.id)) continue;
      this.answers.set(o.id, accessByPost(this.ctx, posts.get(o.id) ?? null, this.viewerId, this.memo).then((a) => a !== "denied"));
    }
  }

  /** The object itself when the viewer may see it, else its stub. */
  async show(obj: AS): Promise<AS> {
    return (await this.may(obj)) ? obj : stubOf(obj);
  }
}

/** The stand-in for an object the viewer may not read: id and objectType only. */
export function stubOf(obj: AS): AS {
  const out: AS = { id: obj.id };
  if (typeof obj.objectType === "string") out.objectType = obj.objectType;
  return out;
}
