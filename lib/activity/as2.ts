import { isPlainObject, type AS } from "../model/as";

export const AS2_CONTEXT = "https://www.w3.org/ns/activitystreams";

/** Options: our base URL, to recognise local persons (whose AS2 id is their profile page). */
export interface As2Options {
  base: string;
}

const OBJECT_CLASSES: Record<string, string> = {
  application: "Application", article: "Article", audio: "Audio", collection: "Collection", event: "Event",
  group: "Group", image: "Image", note: "Note", organization: "Organization", page: "Page", person: "Person",
  place: "Place", service: "Service", video: "Video", question: "Question", document: "Document", profile: "Profile",
};

const VERB_CLASSES: Record<string, string> = {
  post: "Create", submit: "Create", author: "Create", create: "Create", share: "Announce", favorite: "Like", like: "Like",
  attach: "Add", play: "View", watch: "View", "flag-as-inappropriate": "Flag", "rsvp-yes": "Accept",
  "rsvp-no": "Reject", "rsvp-maybe": "TentativeAccept", accept: "Accept", add: "Add", arrive: "Arrive",
  block: "Block", delete: "Delete", dislike: "Dislike", follow: "Follow", ignore: "Ignore", invite: "Invite",
  join: "Join", leave: "Leave", listen: "Listen", move: "Move", offer: "Offer", read: "Read", reject: "Reject",
  remove: "Remove", travel: "Travel", undo: "Undo", update: "Update", view: "View",
};

const UNDO_OF: Record<string, string> = {
  "stop-following": "Follow", unlike: "Like", unfavorite: "Like", unshare: "Announce",
};

const ACTIVITY_OBJECT_FIELDS = ["actor", "object", "target", "generator", "provider", "context", "location", "source", "icon"];
const ADDRESS_FIELDS = ["to", "cc", "bto", "bcc"];

function isCollectionLike(v: AS): boolean {
  return v.objectType === undefined && v.verb === undefined && (typeof v.totalItems === "number" || Array.isArray(v.items));
}

function href(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.href === "string" ? v.href : undefined;
}

function feedUrl(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.url === "string" ? v.url : undefined;
}

function single(list: AS[]): AS | AS[] {
  return list.length === 1 ? list[0]! : list;
}

function isLocalPerson(obj: AS, opts: As2Options): boolean {
  const outbox = isPlainObject(obj.links) ? href(obj.links["activity-outbox"]) : undefined;
  return obj.objectType === "person" && typeof outbox === "string" && outbox.startsWith(`${opts.base}/api/user/`);
}

function convertCollection(c: AS, opts: As2Options): AS {
  const out: AS = { type: "OrderedCollection" };
  const id = typeof c.url === "string" ? c.url : typeof c.id === "string" ? c.id : undefined;
  if (id) out.id = id;
  if (typeof c.displayName === "string") out.name = c.displayName;
  if (typeof c.totalItems === "number") out.totalItems = c.totalItems;
  const items: unknown[] = Array.isArray(c.items) ? c.items : [];
  if (items.length > 0) {
    const page: AS = { type: "OrderedCollectionPage", orderedItems: items.map((i) => (isPlainObject(i) ? convert(i, opts) : i)) };
    const links = isPlainObject(c.links) ? c.links : {};
    if (href(links.first) ?? id) page.id = href(links.first) ?? id;
    if (href(links.next)) page.next = href(links.next);
    if (href(links.prev)) page.prev = href(links.prev);
    out.first = page;
  }
  return out;
}

function convertObject(obj: AS, opts: As2Options): AS {
  const out: AS = { type: OBJECT_CLASSES[obj.objectType] ?? "Object" };
  const self = isPlainObject(obj.links) ? href(obj.links.self) : undefined;
  if (isLocalPerson(obj, opts) && typeof obj.url === "string") out.id = obj.url;
  else if (self && self !== obj.id) out.id = self;
  else if (typeof obj.id === "string") out.id = obj.id;
  if (typeof obj.displayName === "string") out.name = obj.displayName;
  for (const p of ["content", "summary", "published", "updated", "preferredUsername", "startTime", "endTime", "mediaType", "deleted"]) {
    if (obj[p] !== undefined) out[p] = obj[p];
  }
  if (typeof obj.url === "string") out.url = { type: "Link", href: obj.url, mediaType: "text/html" };
  if (isPlainObject(obj.author)) out.attributedTo = convert(obj.author, opts);
  if (isPlainObject(obj.inReplyTo)) out.inReplyTo = convert(obj.inReplyTo, opts);
  if (Array.isArray(obj.attachments)) out.attachment = obj.attachments.filter(isPlainObject).map((a: AS) => convert(a, opts));
  for (const p of ["image", "fullImage"]) {
    const m = obj[p];
    if (isPlainObject(m) && typeof m.url === "string") {
      out[p === "image" ? "image" : "fullImage"] = { type: "Link", href: m.url, ...(m.width ? { width: m.width } : {}), ...(m.height ? { height: m.height } : {}) };
    }
  }
  if (isPlainObject(obj.location)) out.location = convert(obj.location, opts);
  for (const p of ["likes", "replies", "shares", "members"]) {
    if (isPlainObject(obj[p])) out[p] = convertCollection(obj[p], opts);
  }
  if (obj.objectType === "person") {
    const links = isPlainObject(obj.links) ? obj.links : {};
    if (href(links["activity-inbox"])) out.inbox = href(links["activity-inbox"]);
    if (href(links["activity-outbox"])) out.outbox = href(links["activity-outbox"]);
    if (feedUrl(obj.followers)) out.followers = feedUrl(obj.followers);
    if (feedUrl(obj.following)) out.following = feedUrl(obj.following);
    if (feedUrl(obj.favorites)) out.liked = feedUrl(obj.favorites);
  }
  return out;
}

function convertActivity(act: AS, opts: As2Options): AS {
  const verb: string = act.verb;
  const out: AS = {};
  if (typeof act.id === "string") out.id = act.id;
  const name = act.displayName ?? act.title;
  if (typeof name === "string") out.name = name;
  if (typeof act.content === "string") out.summary = act.content;
  for (const p of ["published", "updated"]) if (act[p] !== undefined) out[p] = act[p];
  if (typeof act.url === "string") out.url = { type: "Link", href: act.url, mediaType: "text/html" };
  for (const f of ACTIVITY_OBJECT_FIELDS) if (isPlainObject(act[f])) out[f] = convert(act[f], opts);
  for (const f of ADDRESS_FIELDS) {
    if (Array.isArray(act[f])) out[f] = single(act[f].filter(isPlainObject).map((a: AS) => convert(a, opts)));
  }
  if (UNDO_OF[verb]) {
    const inner: AS = { type: UNDO_OF[verb] };
    for (const f of ["actor", "object", "target"]) if (out[f] !== undefined) inner[f] = out[f];
    out.type = "Undo";
    out.object = inner;
    delete out.target;
    return out;
  }
  if ((verb === "post" || verb === "submit") && out.target !== undefined) out.type = "Add";
  else out.type = VERB_CLASSES[verb] ?? "Activity";
  return out;
}

function convert(v: AS, opts: As2Options): AS {
  if (typeof v.verb === "string") return convertActivity(v, opts);
  if (isCollectionLike(v)) return convertCollection(v, opts);
  return convertObject(v, opts);
}

/**
 * ActivityStreams 2.0 form of an AS1 object, activity or collection
 * (activities.md §9), with the AS2 `@context` on top. Pure.
 */
export function toAS2(json: AS, opts: As2Options): AS {
  return { "@context": AS2_CONTEXT, ...convert(json, opts) };
}
