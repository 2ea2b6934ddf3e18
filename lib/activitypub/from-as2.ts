import { BadRequestError } from "../errors";
import { isPlainObject, type AS } from "../model/as";
import type { ApIds } from "./ids";

const COLLECTION_TYPES = ["Collection", "OrderedCollection", "CollectionPage", "OrderedCollectionPage"];
const OBJECT_TYPES: Record<string, string> = { Note: "note", Article: "article", Image: "image", Video: "video", Audio: "audio", Page: "article", Question: "note" };

/** The id of an AS2 reference (a string or an object with an id). */
export function refId(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isPlainObject(v) && typeof v.id === "string") return v.id;
  return undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function addresses(ids: ApIds, v: unknown): AS[] {
  return list(v).map(refId).filter((x): x is string => Boolean(x)).map((id) => ({ id: ids.fromAp(id), objectType: id.endsWith("/followers") ? "collection" : "person" }));
}

function person(ids: ApIds, id: string): AS {
  return { id: ids.fromAp(id), objectType: "person" };
}

/** An AS2 object (Note...) as our AS1 object. */
export function objectFromAs2(ids: ApIds, o: AS, actor: string): AS {
  if (typeof o.id !== "string") throw new BadRequestError("Object without an id");
  const out: AS = { id: o.id, objectType: OBJECT_TYPES[String(o.type)] ?? "note", author: person(ids, actor) };
  if (typeof o.content === "string") out.content = o.content;
  if (typeof o.name === "string") out.displayName = o.name;
  if (typeof o.summary === "string") out.summary = o.summary;
  if (o.sensitive === true) out.sensitive = true;
  for (const p of ["published", "updated"]) if (typeof o[p] === "string") out[p] = o[p];
  const url = refId(o.url) ?? (isPlainObject(o.url) && typeof o.url.href === "string" ? o.url.href : undefined);
  if (url && /^https?:/.test(url)) out.url = url;
  const reply = refId(o.inReplyTo);
  if (reply) out.inReplyTo = { id: ids.fromAp(reply), objectType: "note" };
  const attachments = list(o.attachment).filter(isPlainObject);
  if (attachments.length) {
    out.attachments = attachments.map((a: AS) => {
      const href = refId(a.url) ?? (isPlainObject(a.url) ? a.url.href : undefined);
      const kind = String(a.mediaType ?? "").split("/")[0];
      const objectType = kind === "image" ? "image" : kind === "video" ? "video" : kind === "audio" ? "audio" : "file";
      return { objectType, url: href, mimeType: a.mediaType, displayName: a.name, ...(objectType === "image" ? { image: { url: href } } : {}) };
    });
  }
  const tags = list(o.tag).filter(isPlainObject);
  if (tags.length) {
    out.tags = tags.map((t: AS) => (t.type === "Mention" && typeof t.href === "string" ? { objectType: "person", id: ids.fromAp(t.href), displayName: t.name } : { objectType: "tag", displayName: t.name, url: t.href }));
  }
  return out;
}

/**
 * An incoming AS2 activity as the AS1 activity our engine receives, or null
 * when it needs nothing stored (Accept, Reject, Block: answered by the
 * inbox itself). 400 for what we cannot make sense of.
 */
export function activityFromAs2(ids: ApIds, a: AS): AS | null {
  const actor = refId(a.actor);
  if (!actor) throw new BadRequestError("Activity without an actor");
  if (typeof a.id !== "string") throw new BadRequestError("Activity without an id");
  const base: AS = { id: a.id, actor: { id: actor, objectType: "person" }, to: addresses(ids, a.to), cc: addresses(ids, a.cc) };
  if (typeof a.published === "string") base.published = a.published;
  const obj = a.object;
  const objId = refId(obj);
  switch (a.type) {
    case "Create":
    case "Update":
      if (!isPlainObject(obj)) throw new BadRequestError(`${a.type} needs an embedded object`);
      // activitypub-express sends an Update of its collections (followers...) and of
      // activities (their likes/shares counts) after each change: nothing of ours to
      // update, so accepted and ignored.
      if (a.type === "Update" && (COLLECTION_TYPES.includes(String(obj.type)) || refId(obj.actor))) return null;
      if (base.to.length === 0 && base.cc.length === 0) {
        base.to = addresses(ids, obj.to);
        base.cc = addresses(ids, obj.cc);
      }
      return { ...base, verb: a.type === "Create" ? "post" : "update", object: objectFromAs2(ids, obj, actor) };
    case "Follow":
      if (!objId) throw new BadRequestError("Follow without an object");
      return { ...base, verb: "follow", object: person(ids, objId), to: [person(ids, objId)] };
    case "Like":
      if (!objId) throw new BadRequestError("Like without an object");
      return { ...base, verb: "favorite", object: { id: ids.fromAp(objId), objectType: "note" } };
    case "Announce":
      if (!objId) throw new BadRequestError("Announce without an object");
      return { ...base, verb: "share", object: { id: ids.fromAp(objId), objectType: "note" } };
    case "Delete":
      if (!objId) throw new BadRequestError("Delete without an object");
      // Deleting an actor (account gone) is not an object deletion here.
      if (objId === actor) return null;
      return { ...base, verb: "delete", object: { id: objId, objectType: "note" } };
    case "Undo": {
      if (!isPlainObject(obj)) throw new BadRequestError("Undo needs an embedded object");
      const verb = { Follow: "stop-following", Like: "unfavorite", Announce: "unshare" }[String(obj.type)];
      const target = refId(obj.object);
      if (!verb || !target) return null;
      const objectType = verb === "stop-following" ? "person" : "note";
      return { ...base, verb, object: { id: ids.fromAp(target), objectType } };
    }
    case "Accept":
    case "Reject":
    case "Block":
    case "Add":
    case "Remove":
      return null;
    default:
      throw new BadRequestError(`Unsupported activity type ${String(a.type)}`);
  }
}
