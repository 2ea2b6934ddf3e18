import { isPlainObject, type AS } from "../model/as";
import type { ApIds } from "./ids";

const NOTE_TYPES: Record<string, string> = { note: "Note", comment: "Note", article: "Article", image: "Image", video: "Video", audio: "Audio" };

function idOf(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.id === "string" ? v.id : typeof v === "string" ? v : undefined;
}

function addresses(ids: ApIds, act: AS, field: string): string[] {
  const list: unknown[] = Array.isArray(act[field]) ? act[field] : [];
  return list.map(idOf).filter((x): x is string => Boolean(x)).map((x) => ids.toAp(x));
}

/** An AS1 object (note, comment...) as an AS2 object, addressed like its activity. */
export function objectToAs2(ids: ApIds, obj: AS, to: string[], cc: string[]): AS {
  const out: AS = { id: obj.id, type: NOTE_TYPES[obj.objectType] ?? "Note" };
  const author = idOf(obj.author);
  if (author) out.attributedTo = ids.toAp(author);
  if (typeof obj.content === "string") out.content = obj.content;
  if (typeof obj.displayName === "string") out.name = obj.displayName;
  // A content warning: the summary of a sensitive post (Mastodon's convention).
  if (typeof obj.summary === "string") out.summary = obj.summary;
  if (obj.sensitive === true) out.sensitive = true;
  for (const p of ["published", "updated"]) if (typeof obj[p] === "string") out[p] = obj[p];
  if (typeof obj.url === "string") out.url = obj.url;
  const reply = idOf(obj.inReplyTo);
  if (reply) out.inReplyTo = ids.toAp(reply);
  if (Array.isArray(obj.attachments)) {
    out.attachment = obj.attachments.filter(isPlainObject).map((a: AS) => {
      const media = isPlainObject(a.fullImage) ? a.fullImage : isPlainObject(a.stream) ? a.stream : a.image;
      return { type: "Document", mediaType: a.mimeType ?? a.mediaType, url: isPlainObject(media) ? media.url : a.url, name: a.displayName };
    });
  }
  if (Array.isArray(obj.tags)) {
    out.tag = obj.tags.filter(isPlainObject).map((t: AS) => (t.objectType === "person" ? { type: "Mention", href: ids.toAp(t.id), name: t.displayName } : { type: "Hashtag", name: t.displayName, href: t.url ?? t.id }));
  }
  out.to = to;
  out.cc = cc;
  return out;
}

/**
 * An AS1 activity of a local person as the AS2 activity ActivityPub peers
 * expect (bto/bcc already removed by distribution). Null for verbs that
 * have no ActivityPub meaning. Addresses keep their meaning: the public
 * collection becomes as:Public, a followers collection its AP collection,
 * people their actor ids, so a private post stays private.
 */
export function activityToAs2(ids: ApIds, act: AS): AS | null {
  const actor = idOf(act.actor);
  if (!actor) return null;
  const to = addresses(ids, act, "to");
  const cc = addresses(ids, act, "cc");
  const base: AS = { "@context": "https://www.w3.org/ns/activitystreams", id: act.id, actor: ids.toAp(actor), to, cc };
  if (typeof act.published === "string") base.published = act.published;
  const obj = isPlainObject(act.object) ? act.object : null;
  const objectId = idOf(act.object);
  if (!objectId) return null;
  switch (act.verb) {
    case "post":
    case "create":
      return obj && !["person", "collection", "group"].includes(obj.objectType) ? { ...base, type: "Create", object: objectToAs2(ids, obj, to, cc) } : null;
    case "update":
      return obj && obj.objectType !== "person" ? { ...base, type: "Update", object: objectToAs2(ids, obj, to, cc) } : null;
    case "delete":
      return { ...base, type: "Delete", object: { id: objectId, type: "Tombstone" } };
    case "follow":
      return { ...base, type: "Follow", object: ids.toAp(objectId) };
    case "favorite":
    case "like":
      return { ...base, type: "Like", object: ids.toAp(objectId) };
    case "share":
      return { ...base, type: "Announce", object: ids.toAp(objectId) };
    case "block":
      return { ...base, type: "Block", object: ids.toAp(objectId) };
    case "stop-following":
    case "unfavorite":
    case "unlike":
    case "unshare": {
      const inner = { stop: "Follow", unfavorite: "Like", unlike: "Like", unshare: "Announce" }[String(act.verb).split("-")[0]!] ?? "Follow";
      // The id of the undone activity is not kept by pump.io; peers match Undo by actor and object.
      return { ...base, type: "Undo", object: { type: inner, actor: ids.toAp(actor), object: ids.toAp(objectId) } };
    }
    default:
      return null;
  }
}
