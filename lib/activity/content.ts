import { isPlainObject, type AS } from "../model/as";

const IRREGULAR: Record<string, string> = {
  at: "was at",
  build: "built",
  checkin: "checked into",
  find: "found",
  give: "gave",
  leave: "left",
  lose: "lost",
  "make-friend": "made a friend of",
  play: "played",
  read: "read",
  "remove-friend": "removed as a friend",
  "rsvp-maybe": "may attend",
  "rsvp-no": "will not attend",
  "rsvp-yes": "will attend",
  sell: "sold",
  send: "sent",
  "stop-following": "stopped following",
  submit: "submitted",
  tag: "tagged",
  win: "won",
};

/** The past tense of a verb as the original writes it in generated content. */
export function pastTense(verb: string): string {
  if (IRREGULAR[verb]) return IRREGULAR[verb]!;
  if (verb.endsWith("y")) return `${verb.slice(0, -1)}ied`;
  if (verb.endsWith("e")) return `${verb}d`;
  return `${verb}ed`;
}

/** HTML-escapes text for element content and single-quoted attributes. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** How an object is named in generated content: its name, or "a(n) <type>", linked when it has a url. */
export function nameOf(obj: unknown): string {
  if (!isPlainObject(obj)) return "an object";
  let name: string;
  if (typeof obj.displayName === "string" && obj.displayName !== "") name = escapeHtml(obj.displayName);
  else if (typeof obj.objectType === "string" && obj.objectType !== "") {
    const t = escapeHtml(obj.objectType);
    name = /^[aeiou]/i.test(t) ? `an ${t}` : `a ${t}`;
  } else name = "an object";
  if (typeof obj.url === "string" && obj.url !== "") return `<a href='${escapeHtml(obj.url)}'>${name}</a>`;
  return name;
}

/**
 * The generated `content` of an activity that has none (§11):
 * `<actor> <past-tense verb> <object>[ in reply to <parent>]`, from the
 * expanded actor, object and (optional) expanded parent.
 */
export function autoContent(act: AS, parent?: AS | null): string {
  const verb = typeof act.verb === "string" ? act.verb : "post";
  let content = `${nameOf(act.actor)} ${pastTense(verb)} ${nameOf(act.object)}`;
  const inReplyTo = parent ?? (isPlainObject(act.object) ? act.object.inReplyTo : undefined);
  if (isPlainObject(inReplyTo)) content += ` in reply to ${nameOf(inReplyTo)}`;
  return content;
}
